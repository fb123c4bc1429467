/* Lists a process's open descriptors from /proc, for reports: one read of the directory, no Java I/O. */
#ifndef JH_FD_LIST_H
#define JH_FD_LIST_H

#include <stddef.h>

/*
 * Writes "fd\ttarget\0" for every descriptor in `dir` (such as "/proc/self/fd"), leaving out the one the
 * listing itself uses. Each target ends in a NUL, the one byte a path cannot hold (a newline can). Returns a
 * malloc'ed buffer (free it) and its length in *len, or NULL with errno set.
 */
char *jh_fd_list(const char *dir, size_t *len);

#endif
