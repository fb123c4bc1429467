/* C unit test of the MPSC ring: racing producers lose nothing while there is room, and drops are counted. */
#include "fd_ring.h"
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRODUCERS 4
#define PER_PRODUCER 200000
#define CAPACITY 1024

static jh_cell cells[CAPACITY];
static jh_ring ring;

static void *produce(void *arg) {
    int id = (int) (intptr_t) arg;
    for (int i = 0; i < PER_PRODUCER;) {
        size_t ticket;
        jh_event *e = jh_ring_claim(&ring, &ticket);
        if (e == NULL) {
            continue; /* full: a hook would drop; the test retries to check nothing is lost */
        }
        e->tid = id;
        e->fd = i;
        jh_ring_publish(&ring, ticket);
        i++;
    }
    return NULL;
}

int main(void) {
    check(jh_ring_init(&ring, cells, 1000) == -1, "capacity must be a power of two");
    check(jh_ring_init(&ring, cells, CAPACITY) == 0, "ring initialises");
    check(jh_ring_peek(&ring) == NULL, "an empty ring has nothing to read");

    pthread_t threads[PRODUCERS];
    for (int t = 0; t < PRODUCERS; t++) {
        pthread_create(&threads[t], NULL, produce, (void *) (intptr_t) t);
    }
    int next[PRODUCERS];
    memset(next, 0, sizeof(next));
    long total = 0;
    int in_order = 1;
    while (total < (long) PRODUCERS * PER_PRODUCER) {
        jh_event *e = jh_ring_peek(&ring);
        if (e == NULL) {
            continue;
        }
        if (e->fd != next[e->tid]) {
            in_order = 0;
        }
        next[e->tid] = e->fd + 1;
        jh_ring_release(&ring);
        total++;
    }
    for (int t = 0; t < PRODUCERS; t++) {
        pthread_join(threads[t], NULL);
    }
    check(total == (long) PRODUCERS * PER_PRODUCER, "every published event is read once");
    check(in_order, "each producer's events arrive in its order");
    check(jh_ring_peek(&ring) == NULL, "the ring is empty afterwards");

    uint64_t dropped_before = atomic_load(&ring.dropped);
    size_t ticket;
    int claimed = 0;
    while (jh_ring_claim(&ring, &ticket) != NULL) {
        jh_ring_publish(&ring, ticket);
        claimed++;
    }
    check(claimed == CAPACITY, "a full ring holds exactly its capacity");
    check(atomic_load(&ring.dropped) == dropped_before + 1, "the claim that found it full was counted as dropped");
    return summary(__FILE__);
}
