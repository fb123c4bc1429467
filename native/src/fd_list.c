#define _GNU_SOURCE
#include "fd_list.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} buffer;

static int append(buffer *b, const char *s, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap * 2 + n;
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

char *jh_fd_list(const char *dir, size_t *len) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return NULL;
    }
    int own = dirfd(d);
    buffer b = {malloc(4096), 0, 4096};
    if (b.data == NULL) {
        closedir(d);
        errno = ENOMEM;
        return NULL;
    }
    struct dirent *e;
    char target[PATH_MAX];
    char number[16];
    while ((e = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (e->d_name[0] == '.' || *end != '\0' || fd == own) {
            continue;
        }
        ssize_t n = readlinkat(own, e->d_name, target, sizeof(target));
        if (n < 0) {
            continue; /* closed while we listed */
        }
        int m = snprintf(number, sizeof(number), "%ld\t", fd);
        if (append(&b, number, (size_t) m) != 0 || append(&b, target, (size_t) n) != 0 || append(&b, "", 1) != 0) {
            free(b.data);
            closedir(d);
            errno = ENOMEM;
            return NULL;
        }
    }
    closedir(d);
    *len = b.len;
    return b.data;
}
