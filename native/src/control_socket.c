#define _GNU_SOURCE
#include "control_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int open_own_dir(const char *dir) {
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        return -errno;
    }
    /* O_NOFOLLOW: a symbolic link planted at the path is refused, never followed */
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) {
        return errno == ENOTDIR || errno == ELOOP ? JH_CTL_NOT_DIR : -errno;
    }
    struct stat st;
    if (fstat(d, &st) != 0) {
        int e = -errno;
        close(d);
        return e;
    }
    if (!S_ISDIR(st.st_mode)) {
        close(d);
        return JH_CTL_NOT_DIR;
    }
    if (st.st_uid != geteuid()) {
        close(d);
        return JH_CTL_FOREIGN;
    }
    if ((st.st_mode & 0777) != 0700 && fchmod(d, 0700) != 0) {
        int e = -errno;
        close(d);
        return e;
    }
    return d;
}

/* 1 if a process listens at the socket path (a non-blocking connect is accepted or the backlog is full), else 0. */
static int listened(const struct sockaddr_un *addr) {
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (probe < 0) {
        return 0;
    }
    int r = connect(probe, (const struct sockaddr *) addr, sizeof(*addr));
    int live = r == 0 || errno == EAGAIN || errno == EINPROGRESS;
    close(probe);
    return live;
}

static int address(struct sockaddr_un *addr, const char *dir, const char *name) {
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    int n = snprintf(addr->sun_path, sizeof(addr->sun_path), "%s/%s", dir, name);
    return n < 0 || (size_t) n >= sizeof(addr->sun_path) ? JH_CTL_TOO_LONG : 0;
}

int jh_ctl_listen(const char *dir, const char *name) {
    struct sockaddr_un addr;
    if (address(&addr, dir, name) != 0) {
        return JH_CTL_TOO_LONG;
    }
    int d = open_own_dir(dir);
    if (d < 0) {
        return d;
    }
    /* a stale socket of an earlier process with this pid (the directory is ours alone, so nothing swaps it); but one
     * a live process answers on is another pid namespace's with the same pid (containers sharing /tmp): not ours */
    struct stat st;
    if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISSOCK(st.st_mode) && listened(&addr)) {
            close(d);
            return JH_CTL_IN_USE;
        }
        unlinkat(d, name, 0);
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        int e = -errno;
        close(d);
        return e;
    }
    if (bind(s, (struct sockaddr *) &addr, sizeof(addr)) != 0 || fchmodat(d, name, 0600, 0) != 0 || listen(s, 16) != 0) {
        int e = -errno;
        close(s);
        unlinkat(d, name, 0);
        close(d);
        return e;
    }
    close(d);
    return s;
}

int jh_ctl_accept(int listener, int timeout_ms, uint32_t *uid) {
    struct pollfd p = {listener, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r == 0) {
        return JH_CTL_TIMEOUT;
    }
    if (r < 0) {
        return errno == EINTR ? JH_CTL_TIMEOUT : -errno;
    }
    int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? JH_CTL_TIMEOUT : -errno;
    }
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        int e = -errno;
        close(c);
        return e;
    }
    *uid = (uint32_t) cred.uid;
    return c;
}

int jh_ctl_shutdown(int fd) {
    return shutdown(fd, SHUT_RDWR) == 0 ? 0 : -errno;
}

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int wait_for(int fd, short events, int64_t deadline) {
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            return JH_CTL_TIMEOUT;
        }
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, (int) left);
        if (r > 0) {
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            return -errno;
        }
    }
}

int jh_ctl_read(int fd, char *buf, int len, int timeout_ms) {
    int w = wait_for(fd, POLLIN, now_ms() + timeout_ms);
    if (w != 0) {
        return w;
    }
    ssize_t n;
    do {
        n = read(fd, buf, (size_t) len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int) n;
}

int jh_ctl_write(int fd, const char *buf, int len, int timeout_ms) {
    int64_t deadline = now_ms() + timeout_ms;
    int done = 0;
    while (done < len) {
        int w = wait_for(fd, POLLOUT, deadline);
        if (w != 0) {
            return w;
        }
        ssize_t n = send(fd, buf + done, (size_t) (len - done), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return -errno;
        }
        done += (int) n;
    }
    return done;
}

int jh_ctl_close(int fd) {
    return close(fd) == 0 ? 0 : -errno;
}

/* Removes dir/name if it is a socket (with stale_only, one nobody listens on); 0, JH_CTL_IN_USE or -errno. */
static int unlink_socket(const char *dir, const char *name, int stale_only) {
    struct sockaddr_un addr;
    if (address(&addr, dir, name) != 0) {
        return JH_CTL_TOO_LONG;
    }
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) {
        return -errno;
    }
    struct stat st;
    int r = 0;
    if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode)) {
        r = stale_only && listened(&addr) ? JH_CTL_IN_USE : unlinkat(d, name, 0) == 0 ? 0 : -errno;
    }
    close(d);
    return r;
}

int jh_ctl_unlink(const char *dir, const char *name) {
    return unlink_socket(dir, name, 0);
}

int jh_ctl_unlink_stale(const char *dir, const char *name) {
    return unlink_socket(dir, name, 1);
}
