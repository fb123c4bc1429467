#define _GNU_SOURCE
#include "drain_record.h"

#include <stdint.h>
#include <string.h>

static int frames_of(const jh_event *e) {
    return e->nframes < 0 ? 0 : e->nframes > JH_REC_MAX_FRAMES ? JH_REC_MAX_FRAMES : e->nframes;
}

static size_t padded(size_t n) {
    return (n + JH_REC_PATH_ALIGN - 1) & ~(size_t) (JH_REC_PATH_ALIGN - 1);
}

size_t jh_record_size(const jh_event *e) {
    return JH_REC_HEADER + padded(strnlen(e->path, JH_REC_MAX_PATH)) + (size_t) frames_of(e) * JH_REC_FRAME_BYTES;
}

static void put32(char *out, size_t at, int32_t v) {
    memcpy(out + at, &v, sizeof(v));
}

static void put64(char *out, size_t at, int64_t v) {
    memcpy(out + at, &v, sizeof(v));
}

void jh_record_write(const jh_event *e, char *out) {
    int nframes = frames_of(e);
    size_t path_length = strnlen(e->path, JH_REC_MAX_PATH);
    put32(out, JH_REC_TYPE, e->type);
    put32(out, JH_REC_FD, e->fd);
    put32(out, JH_REC_ERR, e->err);
    put32(out, JH_REC_TID, e->tid);
    put32(out, JH_REC_CALL, e->call);
    put32(out, JH_REC_NFRAMES, nframes);
    put32(out, JH_REC_PATH_LENGTH, (int32_t) path_length);
    put32(out, JH_REC_DROPS, e->drops);
    put64(out, JH_REC_TIME, e->time_ns);
    put64(out, JH_REC_CALLER, e->caller);
    memcpy(out + JH_REC_THREAD, e->thread, JH_REC_THREAD_BYTES);
    put64(out, JH_REC_ENV, e->env);
    memset(out + JH_REC_HEADER, 0, padded(path_length));
    memcpy(out + JH_REC_HEADER, e->path, path_length);
    for (int i = 0; i < nframes; i++) {
        char *f = out + JH_REC_HEADER + padded(path_length) + (size_t) i * JH_REC_FRAME_BYTES;
        memcpy(f, &e->frames[i].method, 8);
        memcpy(f + 8, &e->frames[i].location, 8);
    }
}
