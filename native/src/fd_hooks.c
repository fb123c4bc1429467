#define _GNU_SOURCE
#include "fd_hooks.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(jh_frame) == sizeof(jvmtiFrameInfo), "frames are captured in place");

static jh_ring *volatile g_ring;
static _Atomic int32_t *volatile g_drops;
static jvmtiEnv *volatile g_jvmti;
static JavaVM *volatile g_vm;
static volatile int g_enabled;
static pid_t g_pid;
static __thread int t_busy __attribute__((tls_model("initial-exec")));

enum {
    H_OPEN, H_OPEN64, H_OPENAT, H_OPENAT64, H_OPEN_2, H_OPEN64_2, H_CREAT, H_CLOSE, H_DUP, H_DUP2, H_DUP3, H_FCNTL,
    H_FCNTL64, H_SOCKET, H_SOCKETPAIR, H_ACCEPT, H_ACCEPT4, H_PIPE, H_PIPE2, H_EVENTFD, H_EPOLL_CREATE,
    H_EPOLL_CREATE1, H_INOTIFY_INIT, H_INOTIFY_INIT1, H_TIMERFD_CREATE, H_MEMFD_CREATE, H_RECVMSG, H_FOPEN,
    H_FOPEN64, H_FDOPEN, H_FCLOSE, H_OPENDIR, H_FDOPENDIR, H_CLOSEDIR, H_CLOSE_RANGE, H_COUNT
};

static const char *const NAMES[H_COUNT] = {
    "open", "open64", "openat", "openat64", "__open_2", "__open64_2", "creat", "close", "dup", "dup2", "dup3", "fcntl",
    "fcntl64", "socket", "socketpair", "accept", "accept4", "pipe", "pipe2", "eventfd", "epoll_create",
    "epoll_create1", "inotify_init", "inotify_init1", "timerfd_create", "memfd_create", "recvmsg", "fopen",
    "fopen64", "fdopen", "fclose", "opendir", "fdopendir", "closedir", "close_range"
};

static void *real[H_COUNT];

const char *jh_hook_name(int i) {
    return i >= 0 && i < H_COUNT ? NAMES[i] : NULL;
}

/* ---- recording ---- */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Whether this call should be recorded; sets the re-entry guard when it returns 1. */
static int enter(void) {
    if (!g_enabled || t_busy || g_ring == NULL) {
        return 0;
    }
    if (getpid() != g_pid) {
        return 0; /* a vfork child shares our memory: record nothing there */
    }
    t_busy = 1;
    return 1;
}

static void leave(void) {
    t_busy = 0;
}

static void record(int type, int fd, int err, int call, const char *path, int64_t time_ns, void *caller) {
    size_t ticket;
    _Atomic int32_t *drops = g_drops;
    _Atomic int32_t *counter = drops != NULL && fd >= 0 ? &drops[fd & (JH_DROP_SLOTS - 1)] : NULL;
    int32_t seen = counter != NULL ? atomic_load_explicit(counter, memory_order_acquire) : 0; /* before the claim */
    jh_event *e = jh_ring_claim(g_ring, &ticket);
    if (e == NULL) {
        if (counter != NULL) {
            atomic_fetch_add_explicit(counter, 1, memory_order_acq_rel);
        }
        return;
    }
    e->drops = seen;
    e->type = type;
    e->fd = fd;
    e->err = err;
    e->tid = (int32_t) syscall(SYS_gettid);
    /* the name now rather than from /proc/self/task/<tid>/comm later: that read opened a descriptor of ours in the
     * program's table, which the program's own double close of a reused number could close under the drain */
    memset(e->thread, 0, sizeof(e->thread));
    prctl(PR_GET_NAME, e->thread, 0, 0, 0);
    e->thread[sizeof(e->thread) - 1] = '\0';
    /* the kernel's name is the Java name cut at 15 bytes, or "java" for main: the drain maps this to the Java name.
     * GetEnv only reads the thread's VM pointer: no state transition, no allocation, JNI_EDETACHED off the VM. */
    JavaVM *vm = g_vm;
    void *env = NULL;
    if (vm == NULL || (*vm)->GetEnv(vm, &env, JNI_VERSION_1_8) != JNI_OK) {
        env = NULL;
    }
    e->env = (int64_t) (intptr_t) env;
    e->time_ns = time_ns;
    e->caller = (int64_t) (intptr_t) caller;
    e->call = call;
    e->path[0] = '\0';
    if (path != NULL) {
        strncpy(e->path, path, JH_MAX_PATH - 1);
        e->path[JH_MAX_PATH - 1] = '\0';
    }
    e->nframes = 0;
    jvmtiEnv *jvmti = g_jvmti;
    if (jvmti != NULL) {
        jint count = 0;
        /* the caller came from Java through JNI/FFM/JNA, so the thread is in native state: safe to walk */
        if ((*jvmti)->GetStackTrace(jvmti, NULL, 0, JH_MAX_FRAMES, (jvmtiFrameInfo *) e->frames, &count) == JVMTI_ERROR_NONE) {
            e->nframes = count;
        }
    }
    jh_ring_publish(g_ring, ticket);
}

static void opened(int fd, int call, const char *path, void *caller) {
    if (fd >= 0) {
        record(JH_OPEN, fd, 0, call, path, now_ns(), caller);
    }
}

/* Records a descriptor a call just returned (if any), keeping the call's errno; returns the descriptor. */
static int note_open(int fd, int call, const char *path, void *caller) {
    int saved = errno;
    if (fd >= 0 && enter()) {
        opened(fd, call, path, caller);
        leave();
    }
    errno = saved;
    return fd;
}

#define CALLER __builtin_return_address(0)
#define REAL(i, type) ((type) real[i])

/* ---- replacements ---- */

static int has_mode(int flags) {
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

static int open_impl(int i, const char *path, int flags, mode_t mode, void *caller) {
    return note_open(REAL(i, int (*)(const char *, int, ...))(path, flags, mode), i, path, caller);
}

/* the mode argument exists only when the flags ask for it; reading it otherwise reads garbage, harmlessly */
#define MODE_ARG(flags, mode) \
    do { \
        if (has_mode(flags)) { \
            va_list ap; \
            va_start(ap, flags); \
            mode = va_arg(ap, mode_t); \
            va_end(ap); \
        } \
    } while (0)

static int jh_open(const char *path, int flags, ...) {
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return open_impl(H_OPEN, path, flags, mode, CALLER);
}

static int jh_open64(const char *path, int flags, ...) {
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return open_impl(H_OPEN64, path, flags, mode, CALLER);
}

static int jh_openat_impl(int i, int dirfd, const char *path, int flags, mode_t mode, void *caller) {
    return note_open(REAL(i, int (*)(int, const char *, int, ...))(dirfd, path, flags, mode), i, path, caller);
}

static int jh_openat(int dirfd, const char *path, int flags, ...) {
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return jh_openat_impl(H_OPENAT, dirfd, path, flags, mode, CALLER);
}

static int jh_openat64(int dirfd, const char *path, int flags, ...) {
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return jh_openat_impl(H_OPENAT64, dirfd, path, flags, mode, CALLER);
}

static int jh_open_2(const char *path, int flags) {
    return open_impl(H_OPEN_2, path, flags, 0, CALLER); /* the fortified forms take no mode */
}

static int jh_open64_2(const char *path, int flags) {
    return open_impl(H_OPEN64_2, path, flags, 0, CALLER);
}

static int jh_creat(const char *path, mode_t mode) {
    return note_open(REAL(H_CREAT, int (*)(const char *, mode_t))(path, mode), H_CREAT, path, CALLER);
}

static int jh_close(int fd) {
    int64_t t = now_ns(); /* before the number is freed for reuse */
    int r = REAL(H_CLOSE, int (*)(int))(fd);
    int saved = errno;
    if (enter()) {
        if (r == 0 || saved == EINTR) {
            record(JH_CLOSE, fd, 0, H_CLOSE, NULL, t, CALLER);
        } else if (saved == EBADF) {
            record(JH_BAD_REFERENCE, fd, EBADF, H_CLOSE, NULL, t, CALLER);
        }
        leave();
    }
    errno = saved;
    return r;
}

/* For dup2/dup3 onto a live descriptor: the target is replaced (closed and reopened), not misused. */
static int is_open(int fd) {
    return fcntl(fd, F_GETFD) != -1;
}

static int dup_into(int i, int oldfd, int newfd, int flags, void *caller) {
    int64_t t = now_ns();
    int replaced = newfd != oldfd && is_open(newfd);
    int r = i == H_DUP2 ? REAL(H_DUP2, int (*)(int, int))(oldfd, newfd) : REAL(H_DUP3, int (*)(int, int, int))(oldfd, newfd, flags);
    int saved = errno;
    if (enter()) {
        if (r >= 0) {
            if (replaced) {
                record(JH_CLOSE, newfd, 0, i, NULL, t, caller);
            }
            if (newfd != oldfd) {
                record(JH_OPEN, newfd, 0, i, NULL, now_ns(), caller);
            }
        } else if (saved == EBADF) {
            record(JH_BAD_REFERENCE, oldfd, EBADF, i, NULL, t, caller);
        }
        leave();
    }
    errno = saved;
    return r;
}

static int jh_dup2(int oldfd, int newfd) {
    return dup_into(H_DUP2, oldfd, newfd, 0, CALLER);
}

static int jh_dup3(int oldfd, int newfd, int flags) {
    return dup_into(H_DUP3, oldfd, newfd, flags, CALLER);
}

static int jh_dup(int oldfd) {
    int64_t t = now_ns();
    int fd = REAL(H_DUP, int (*)(int))(oldfd);
    int saved = errno;
    if (enter()) {
        if (fd >= 0) {
            opened(fd, H_DUP, NULL, CALLER);
        } else if (saved == EBADF) {
            record(JH_BAD_REFERENCE, oldfd, EBADF, H_DUP, NULL, t, CALLER);
        }
        leave();
    }
    errno = saved;
    return fd;
}

static int fcntl_impl(int i, int fd, int cmd, long arg, void *caller) {
    int r = REAL(i, int (*)(int, int, ...))(fd, cmd, arg);
    int saved = errno;
    if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && enter()) {
        opened(r, i, NULL, caller);
        leave();
    }
    errno = saved;
    return r;
}

static int jh_fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return fcntl_impl(H_FCNTL, fd, cmd, arg, CALLER);
}

static int jh_fcntl64(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return fcntl_impl(H_FCNTL64, fd, cmd, arg, CALLER);
}

static int jh_socket(int domain, int type, int protocol) {
    return note_open(REAL(H_SOCKET, int (*)(int, int, int))(domain, type, protocol), H_SOCKET, NULL, CALLER);
}

/* Records the two descriptors a pipe/socketpair call filled in, keeping its errno; returns its result. */
static int note_pair(int r, const int *fds, int call, void *caller) {
    int saved = errno;
    if (r == 0 && enter()) {
        opened(fds[0], call, NULL, caller);
        opened(fds[1], call, NULL, caller);
        leave();
    }
    errno = saved;
    return r;
}

static int jh_socketpair(int domain, int type, int protocol, int sv[2]) {
    return note_pair(REAL(H_SOCKETPAIR, int (*)(int, int, int, int *))(domain, type, protocol, sv), sv, H_SOCKETPAIR, CALLER);
}

static int jh_accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return note_open(REAL(H_ACCEPT, int (*)(int, struct sockaddr *, socklen_t *))(fd, addr, len), H_ACCEPT, NULL, CALLER);
}

static int jh_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return note_open(REAL(H_ACCEPT4, int (*)(int, struct sockaddr *, socklen_t *, int))(fd, addr, len, flags), H_ACCEPT4, NULL, CALLER);
}

static int jh_pipe(int fds[2]) {
    return note_pair(REAL(H_PIPE, int (*)(int *))(fds), fds, H_PIPE, CALLER);
}

static int jh_pipe2(int fds[2], int flags) {
    return note_pair(REAL(H_PIPE2, int (*)(int *, int))(fds, flags), fds, H_PIPE2, CALLER);
}

#define SIMPLE_OPENER(fn, idx, params, args) \
    static int fn params { \
        return note_open(((int (*) params) real[idx]) args, idx, NULL, CALLER); \
    }

SIMPLE_OPENER(jh_eventfd, H_EVENTFD, (unsigned int initval, int flags), (initval, flags))
SIMPLE_OPENER(jh_epoll_create, H_EPOLL_CREATE, (int size), (size))
SIMPLE_OPENER(jh_epoll_create1, H_EPOLL_CREATE1, (int flags), (flags))
SIMPLE_OPENER(jh_inotify_init, H_INOTIFY_INIT, (void), ())
SIMPLE_OPENER(jh_inotify_init1, H_INOTIFY_INIT1, (int flags), (flags))
SIMPLE_OPENER(jh_timerfd_create, H_TIMERFD_CREATE, (int clockid, int flags), (clockid, flags))
SIMPLE_OPENER(jh_memfd_create, H_MEMFD_CREATE, (const char *name, unsigned int flags), (name, flags))

static ssize_t jh_recvmsg(int fd, struct msghdr *msg, int flags) {
    ssize_t r = REAL(H_RECVMSG, ssize_t (*)(int, struct msghdr *, int))(fd, msg, flags);
    int saved = errno;
    if (r >= 0 && msg != NULL && msg->msg_controllen > 0 && enter()) {
        /* descriptors passed with SCM_RIGHTS arrive as new fds in this process */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                const int *fds = (const int *) CMSG_DATA(c);
                for (size_t k = 0; k < n; k++) {
                    opened(fds[k], H_RECVMSG, NULL, CALLER);
                }
            }
        }
        leave();
    }
    errno = saved;
    return r;
}

static FILE *stream_opened(FILE *f, int call, const char *path, void *caller) {
    int saved = errno;
    if (f != NULL && enter()) {
        opened(fileno(f), call, path, caller);
        leave();
    }
    errno = saved;
    return f;
}

static FILE *jh_fopen(const char *path, const char *mode) {
    return stream_opened(REAL(H_FOPEN, FILE * (*)(const char *, const char *))(path, mode), H_FOPEN, path, CALLER);
}

static FILE *jh_fopen64(const char *path, const char *mode) {
    return stream_opened(REAL(H_FOPEN64, FILE * (*)(const char *, const char *))(path, mode), H_FOPEN64, path, CALLER);
}

static FILE *jh_fdopen(int fd, const char *mode) {
    /* the fd was already open: the stream takes it over, no new descriptor */
    return REAL(H_FDOPEN, FILE * (*)(int, const char *))(fd, mode);
}

/* The CLOSE of a wrapper (fclose, closedir) whose fd was read before the call, stamped before it. */
static void wrapper_closed(int fd, int64_t t, int call, void *caller) {
    int saved = errno;
    if (fd >= 0 && enter()) {
        record(JH_CLOSE, fd, 0, call, NULL, t, caller);
        leave();
    }
    errno = saved;
}

static int jh_fclose(FILE *f) {
    int fd = f != NULL ? fileno(f) : -1;
    int64_t t = now_ns();
    int r = REAL(H_FCLOSE, int (*)(FILE *))(f);
    wrapper_closed(fd, t, H_FCLOSE, CALLER);
    return r;
}

static DIR *jh_opendir(const char *path) {
    DIR *d = REAL(H_OPENDIR, DIR * (*)(const char *))(path);
    int saved = errno;
    if (d != NULL && enter()) {
        opened(dirfd(d), H_OPENDIR, path, CALLER);
        leave();
    }
    errno = saved;
    return d;
}

static DIR *jh_fdopendir(int fd) {
    return REAL(H_FDOPENDIR, DIR * (*)(int))(fd); /* takes over an fd that is already traced */
}

static int jh_closedir(DIR *d) {
    int fd = d != NULL ? dirfd(d) : -1;
    int64_t t = now_ns();
    int r = REAL(H_CLOSEDIR, int (*)(DIR *))(d);
    wrapper_closed(fd, t, H_CLOSEDIR, CALLER);
    return r;
}

/* close_range closes every open fd in [first, last]: one CLOSE each (a bounded scan; CLOEXEC only marks them). */
#define CLOSE_RANGE_SCAN_LIMIT 65536u
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int jh_close_range(unsigned int first, unsigned int last, int flags) {
    int64_t t = now_ns();
    unsigned int end = last < first + CLOSE_RANGE_SCAN_LIMIT ? last : first + CLOSE_RANGE_SCAN_LIMIT;
    unsigned char open_before[CLOSE_RANGE_SCAN_LIMIT / 8]; /* 8 KB of stack: no malloc in a hook */
    /* checked before the scan: a forked child (closing everything before exec) must not pay for 65,536 probes */
    int watch = (flags & (int) CLOSE_RANGE_CLOEXEC) == 0 && g_enabled && !t_busy && g_ring != NULL && getpid() == g_pid;
    if (watch) {
        memset(open_before, 0, sizeof(open_before));
        for (unsigned int fd = first; fd <= end && fd - first < CLOSE_RANGE_SCAN_LIMIT; fd++) {
            if (is_open((int) fd)) {
                open_before[(fd - first) / 8] |= (unsigned char) (1u << ((fd - first) % 8));
            }
            if (fd == end) {
                break;
            }
        }
    }
    int r = REAL(H_CLOSE_RANGE, int (*)(unsigned int, unsigned int, int))(first, last, flags);
    int saved = errno;
    if (r == 0 && watch && enter()) {
        for (unsigned int fd = first; fd - first < CLOSE_RANGE_SCAN_LIMIT; fd++) {
            if (open_before[(fd - first) / 8] & (1u << ((fd - first) % 8))) {
                record(JH_CLOSE, (int) fd, 0, H_CLOSE_RANGE, NULL, t, CALLER);
            }
            if (fd == end) {
                break;
            }
        }
        leave();
    }
    errno = saved;
    return r;
}

const jh_import_patch jh_fd_patches[] = {
    {"open", (void *) jh_open}, {"open64", (void *) jh_open64}, {"openat", (void *) jh_openat},
    {"openat64", (void *) jh_openat64}, {"__open_2", (void *) jh_open_2}, {"__open64_2", (void *) jh_open64_2},
    {"creat", (void *) jh_creat}, {"close", (void *) jh_close}, {"dup", (void *) jh_dup}, {"dup2", (void *) jh_dup2},
    {"dup3", (void *) jh_dup3}, {"fcntl", (void *) jh_fcntl}, {"fcntl64", (void *) jh_fcntl64},
    {"socket", (void *) jh_socket}, {"socketpair", (void *) jh_socketpair}, {"accept", (void *) jh_accept},
    {"accept4", (void *) jh_accept4}, {"pipe", (void *) jh_pipe}, {"pipe2", (void *) jh_pipe2},
    {"eventfd", (void *) jh_eventfd}, {"epoll_create", (void *) jh_epoll_create},
    {"epoll_create1", (void *) jh_epoll_create1}, {"inotify_init", (void *) jh_inotify_init},
    {"inotify_init1", (void *) jh_inotify_init1}, {"timerfd_create", (void *) jh_timerfd_create},
    {"memfd_create", (void *) jh_memfd_create}, {"recvmsg", (void *) jh_recvmsg}, {"fopen", (void *) jh_fopen},
    {"fopen64", (void *) jh_fopen64}, {"fdopen", (void *) jh_fdopen}, {"fclose", (void *) jh_fclose},
    {"opendir", (void *) jh_opendir}, {"fdopendir", (void *) jh_fdopendir}, {"closedir", (void *) jh_closedir},
    {"close_range", (void *) jh_close_range},
};
const size_t jh_fd_patch_count = sizeof(jh_fd_patches) / sizeof(jh_fd_patches[0]);

_Static_assert(sizeof(jh_fd_patches) / sizeof(jh_fd_patches[0]) == H_COUNT, "one patch per hooked name");

int jh_hooks_resolve(void) {
    int missing = 0;
    for (int i = 0; i < H_COUNT; i++) {
        real[i] = dlsym(RTLD_DEFAULT, NAMES[i]);
        if (real[i] == NULL) {
            missing++;
        }
    }
    return missing;
}

void jh_hooks_start(jh_ring *ring, jvmtiEnv *jvmti, JavaVM *vm, _Atomic int32_t *drops) {
    g_pid = getpid();
    g_drops = drops;
    g_jvmti = jvmti;
    g_vm = vm;
    g_ring = ring;
}

void jh_hooks_set_enabled(int on) {
    __atomic_store_n(&g_enabled, on, __ATOMIC_RELEASE);
}

void *jh_hooks_dlsym_answer(const char *name, void *resolved) {
    if (name == NULL || resolved == NULL) {
        return resolved;
    }
    for (int i = 0; i < H_COUNT; i++) {
        /* only libc's own function is replaced: a library's private "open" is left alone */
        if (real[i] == resolved && strcmp(NAMES[i], name) == 0) {
            return jh_fd_patches[i].replacement;
        }
    }
    return resolved;
}
