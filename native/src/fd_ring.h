/*
 * A bounded multi-producer, single-consumer ring of fd events (Vyukov's queue).
 *
 * Producers are libc hooks running on any thread: they claim a cell with one CAS, fill it in place (the
 * stack is captured straight into the cell, so nothing is copied or allocated) and publish it with a
 * release store. When the ring is full the event is dropped and counted: a hook never waits.
 */
#ifndef JHTRACE_FD_RING_H
#define JHTRACE_FD_RING_H

#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>

#include "jh_contract.h"

#define JH_MAX_FRAMES JH_REC_MAX_FRAMES
#define JH_MAX_PATH JH_REC_MAX_PATH

enum jh_event_type { JH_OPEN = JH_EVENT_OPEN, JH_CLOSE = JH_EVENT_CLOSE, JH_BAD_REFERENCE = JH_EVENT_BAD_REFERENCE };

typedef struct {
    int64_t method;   /* jmethodID */
    int64_t location; /* jlocation (bytecode index) */
} jh_frame;

typedef struct {
    int32_t type;
    int32_t fd;
    int32_t err;       /* errno of a failed call, for bad references */
    int32_t tid;
    int64_t time_ns;   /* CLOCK_MONOTONIC, the clock of System.nanoTime() */
    int64_t caller;    /* return address of the hooked call: which library made it */
    int32_t call;      /* index of the hooked function (jh_hook_names) */
    int32_t nframes;
    int32_t drops;     /* the drop ledger's count for fd when recorded (see jh_hooks_start) */
    int32_t reserved;
    char thread[16];   /* the thread's name (PR_GET_NAME): read in the hook, so the drain opens no /proc file */
    int64_t env;       /* the thread's JNIEnv, 0 when it is not attached to the JVM: the drain's key to its Java name */
    char path[JH_MAX_PATH];
    jh_frame frames[JH_MAX_FRAMES];
} jh_event;

typedef struct {
    _Atomic size_t seq;
    jh_event event;
} jh_cell;

typedef struct {
    jh_cell *cells;
    size_t mask;
    _Atomic size_t tail; /* next cell producers claim */
    size_t head;         /* next cell the consumer reads */
    _Atomic uint64_t dropped;
} jh_ring;

/* Initialises a ring over caller-provided cells; capacity must be a power of two. Returns 0 or -1. */
int jh_ring_init(jh_ring *ring, jh_cell *cells, size_t capacity);

/* Claims a cell to fill, or returns NULL (and counts a drop) when the ring is full. */
jh_event *jh_ring_claim(jh_ring *ring, size_t *ticket);

/* Publishes a claimed cell. */
void jh_ring_publish(jh_ring *ring, size_t ticket);

/* Single consumer: the next published event, or NULL when none is ready. Call jh_ring_release after use. */
jh_event *jh_ring_peek(jh_ring *ring);

/* Single consumer: returns the cell read by jh_ring_peek to the producers. */
void jh_ring_release(jh_ring *ring);

#endif
