/*
 * The agent's control channel, a Unix domain socket, done in C rather than with java.nio: the JDK's Unix
 * socket classes initialise SecureRandom (which opens /dev/random and /dev/urandom) in their static
 * initialiser, and an initialiser that fails at the descriptor limit leaves those classes broken for the
 * application for the rest of the JVM's life. Nothing here touches a JDK class.
 *
 * Errors as values: a descriptor or a count on success, else a negative errno (or one of the JH_CTL_ codes).
 */
#ifndef JH_CONTROL_SOCKET_H
#define JH_CONTROL_SOCKET_H

#include <stdint.h>

/* The socket directory exists but is not a directory of this process's effective uid. */
#define JH_CTL_FOREIGN (-100000)
/* The socket directory's path is a symbolic link or not a directory. */
#define JH_CTL_NOT_DIR (-100001)
/* The socket's path does not fit a sockaddr_un. */
#define JH_CTL_TOO_LONG (-100002)
/* No client within the timeout. */
#define JH_CTL_TIMEOUT (-100003)
/* A live process (of another pid namespace sharing /tmp, with the same pid) listens at the socket's path. */
#define JH_CTL_IN_USE (-100004)

/*
 * Creates `dir` (0700) if absent, checks that it is a real directory owned by this process's effective uid
 * (and narrows it to 0700 through its descriptor), replaces a stale `name` in it, binds and listens there
 * (socket file 0600). Returns the listening descriptor.
 */
int jh_ctl_listen(const char *dir, const char *name);

/*
 * Waits up to timeout_ms for a client. Returns its descriptor, with the peer's uid (SO_PEERCRED) in *uid, or a
 * negative code (JH_CTL_TIMEOUT, -EMFILE, ...).
 */
int jh_ctl_accept(int listener, int timeout_ms, uint32_t *uid);

/* Wakes a thread waiting in jh_ctl_accept and makes it fail, without freeing the number (see ControlServer.stop). */
int jh_ctl_shutdown(int fd);

/* Reads at most len bytes within timeout_ms: the count, 0 at end of stream, JH_CTL_TIMEOUT or -errno. */
int jh_ctl_read(int fd, char *buf, int len, int timeout_ms);

/* Writes all len bytes within timeout_ms: len, JH_CTL_TIMEOUT or -errno. */
int jh_ctl_write(int fd, const char *buf, int len, int timeout_ms);

/* Closes a descriptor of the channel; returns 0 or -errno. */
int jh_ctl_close(int fd);

/* Removes `name` from `dir` if it is a socket; returns 0 or -errno. */
int jh_ctl_unlink(const char *dir, const char *name);

/* Removes `name` from `dir` if it is a socket nobody listens on any more; returns 0, JH_CTL_IN_USE or -errno. */
int jh_ctl_unlink_stale(const char *dir, const char *name);

#endif
