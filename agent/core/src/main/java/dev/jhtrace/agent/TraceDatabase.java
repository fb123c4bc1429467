package dev.jhtrace.agent;

/**
 * The newest {@code max=} traces, as a ring of reusable {@link Trace} slots (WinDbg's handle trace database).
 *
 * <p>Slots are made as the database first fills and then reused, oldest first, so that a program opening and
 * closing handles in a steady state costs the analyzer no allocation. Analyzer thread only.
 */
final class TraceDatabase {
    private Trace[] slots;
    private int capacity;
    /** Where the next trace goes. */
    private int next;

    private int size;
    private long seq;
    /** Traces that gave way to newer ones since the last {@link #clear()}: reports say how much history they lack. */
    private long evicted;

    /** @param capacity the most traces kept; 0 keeps none */
    TraceDatabase(int capacity) {
        this.capacity = Math.max(0, capacity);
        this.slots = new Trace[Math.min(this.capacity, 1024)];
    }

    /**
     * @return the slot for a new trace, cleared and given the next sequence number (the oldest trace gives way
     *     when full), or {@code null} when the capacity is 0
     */
    Trace add() {
        if (capacity == 0) {
            return null;
        }
        if (next >= slots.length) {
            slots = java.util.Arrays.copyOf(slots, Math.min(capacity, Math.max(16, slots.length * 2)));
        }
        Trace t = slots[next];
        if (t == null) {
            t = new Trace();
            slots[next] = t;
        }
        if (size == capacity) {
            evicted++;
        }
        t.clear();
        t.seq = ++seq;
        next = next + 1 == capacity ? 0 : next + 1;
        size = Math.min(size + 1, capacity);
        return t;
    }

    /** @return how many traces are kept */
    int size() {
        return size;
    }

    /** @return the capacity */
    int capacity() {
        return capacity;
    }

    /**
     * @param i 0 for the newest, up to {@code size() - 1} for the oldest
     * @return that trace
     */
    Trace newest(int i) {
        int index = next - 1 - i;
        return slots[index < 0 ? index + capacity : index];
    }

    /**
     * Changes the capacity, keeping the newest traces that fit.
     *
     * @param max the new capacity
     */
    void setCapacity(int max) {
        int keep = Math.min(size, Math.max(0, max));
        evicted += size - keep;
        Trace[] kept = new Trace[Math.min(Math.max(0, max), Math.max(keep, 1024))];
        for (int i = 0; i < keep; i++) {
            kept[keep - 1 - i] = newest(i);
        }
        slots = kept;
        capacity = Math.max(0, max);
        size = keep;
        next = capacity == 0 ? 0 : keep % capacity;
    }

    /** Drops every trace (the slots stay, for reuse). */
    void clear() {
        for (int i = 0; i < size; i++) {
            Trace t = newest(i);
            t.clear();
            t.seq = 0; // whoever kept it sees it gone
        }
        size = 0;
        next = 0;
        evicted = 0;
    }

    /** @return traces that gave way to newer ones (or to a smaller capacity) since the last clear */
    long evicted() {
        return evicted;
    }
}
