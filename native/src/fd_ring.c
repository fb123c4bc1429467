#include "fd_ring.h"

int jh_ring_init(jh_ring *ring, jh_cell *cells, size_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) {
        return -1;
    }
    ring->cells = cells;
    ring->mask = capacity - 1;
    for (size_t i = 0; i < capacity; i++) {
        atomic_store_explicit(&cells[i].seq, i, memory_order_relaxed);
    }
    atomic_store_explicit(&ring->tail, 0, memory_order_relaxed);
    ring->head = 0;
    atomic_store_explicit(&ring->dropped, 0, memory_order_relaxed);
    return 0;
}

jh_event *jh_ring_claim(jh_ring *ring, size_t *ticket) {
    size_t pos = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    for (;;) {
        jh_cell *cell = &ring->cells[pos & ring->mask];
        size_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        intptr_t dif = (intptr_t) seq - (intptr_t) pos;
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&ring->tail, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                *ticket = pos;
                return &cell->event;
            }
        } else if (dif < 0) {
            atomic_fetch_add_explicit(&ring->dropped, 1, memory_order_relaxed);
            return NULL;
        } else {
            pos = atomic_load_explicit(&ring->tail, memory_order_relaxed);
        }
    }
}

void jh_ring_publish(jh_ring *ring, size_t ticket) {
    atomic_store_explicit(&ring->cells[ticket & ring->mask].seq, ticket + 1, memory_order_release);
}

jh_event *jh_ring_peek(jh_ring *ring) {
    jh_cell *cell = &ring->cells[ring->head & ring->mask];
    size_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
    if ((intptr_t) seq - (intptr_t) (ring->head + 1) != 0) {
        return NULL;
    }
    return &cell->event;
}

void jh_ring_release(jh_ring *ring) {
    jh_cell *cell = &ring->cells[ring->head & ring->mask];
    atomic_store_explicit(&cell->seq, ring->head + ring->mask + 1, memory_order_release);
    ring->head++;
}
