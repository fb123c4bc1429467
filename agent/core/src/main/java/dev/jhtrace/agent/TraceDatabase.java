package dev.jhtrace.agent;

import java.util.ArrayDeque;

/**
 * The newest {@code max=} traces, as a ring of reusable {@link Trace} slots (WinDbg's handle trace database).
 *
 * <p>Slots are made as the database first fills and then reused, oldest first, so that a program opening and
 * closing handles in a steady state costs the analyzer no allocation. A trace that gives way is first offered to
 * whoever refers to it ({@link GiveWay}): a number's entry is kept by the handle table and leaves the database, its
 * slot then taken by a spare. Analyzer thread only.
 */
final class TraceDatabase {
    /** Told of every trace that leaves the database, before it is reused. */
    interface GiveWay {
        /**
         * @param t a trace leaving the database (the oldest, or one dropped by a smaller capacity or a clear)
         * @return whether the caller keeps it (it is then never reused by the database)
         */
        boolean givingWay(Trace t);
    }

    private final GiveWay giveWay;
    private Trace[] slots;
    private int capacity;
    /** Where the next trace goes. */
    private int next;

    private int size;
    /** Traces that gave way to newer ones since the last {@link #clear()}: reports say how much history they lack. */
    private long evicted;
    /** Traces no one refers to, for reuse: entries that left the database and were replaced since. */
    private final ArrayDeque<Trace> spares = new ArrayDeque<>();
    /** {@link Trace#opened} objects OPENs gave back, for the next CLOSE or BAD_REFERENCE. */
    private final ArrayDeque<Site> sites = new ArrayDeque<>();

    /**
     * @param capacity the most traces kept; 0 keeps none
     * @param giveWay  told of each trace that leaves the database
     */
    TraceDatabase(int capacity, GiveWay giveWay) {
        this.capacity = Math.max(0, capacity);
        this.slots = new Trace[Math.min(this.capacity, 1024)];
        this.giveWay = giveWay;
    }

    /**
     * @return the slot for a new trace, cleared (the oldest trace gives way when full), or {@code null} when the
     *     capacity is 0
     */
    Trace add() {
        if (capacity == 0) {
            return null;
        }
        if (next >= slots.length) {
            slots = java.util.Arrays.copyOf(slots, Math.min(capacity, Math.max(16, slots.length * 2)));
        }
        Trace t = slots[next];
        if (t != null && size == capacity) {
            evicted++;
            if (giveWay.givingWay(t)) {
                t.inDatabase = false;
                t = null;
            }
        }
        if (t == null) {
            t = spare(); // cleared already
            slots[next] = t;
        } else {
            t.clear();
        }
        t.inDatabase = true;
        next = next + 1 == capacity ? 0 : next + 1;
        size = Math.min(size + 1, capacity);
        return t;
    }

    /** @return a cleared trace outside the database: a spare, or a new one */
    Trace spare() {
        Trace t = spares.pollLast();
        if (t == null) {
            t = new Trace();
        }
        t.clear();
        t.inDatabase = false;
        return t;
    }

    /** @param t a trace outside the database that no one refers to any more */
    void recycle(Trace t) {
        if (!t.inDatabase) {
            t.clear();
            takeSite(t);
            spares.addLast(t);
        }
    }

    /**
     * Gives a trace a {@link Trace#opened} object if it has none (a spare one if any), for a CLOSE or BAD_REFERENCE.
     *
     * @param t the trace
     */
    void giveSite(Trace t) {
        if (t.opened == null) {
            Site s = sites.pollLast();
            t.opened = s != null ? s : new Site();
        }
    }

    /**
     * Takes back a trace's {@link Trace#opened} object, if it has one: an OPEN needs none (an open handle would carry
     * it), nor a trace whose handle's open is not known.
     *
     * @param t the trace
     */
    void takeSite(Trace t) {
        if (t.opened != null) {
            t.opened.forgetStack(); // its thread's name stays: the next use sets it, most often to the same
            sites.addLast(t.opened);
            t.opened = null;
        }
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
        for (int i = keep; i < size; i++) {
            leave(newest(i));
        }
        Trace[] kept = new Trace[Math.min(Math.max(0, max), Math.max(keep, 1024))];
        for (int i = 0; i < keep; i++) {
            kept[keep - 1 - i] = newest(i);
        }
        slots = kept;
        capacity = Math.max(0, max);
        size = keep;
        next = capacity == 0 ? 0 : keep % capacity;
    }

    /** Drops every trace (the slots no one keeps stay, for reuse). */
    void clear() {
        for (int i = 0; i < size; i++) {
            int index = next - 1 - i;
            index = index < 0 ? index + capacity : index;
            if (leave(slots[index])) {
                slots[index] = null;
            }
        }
        size = 0;
        next = 0;
        evicted = 0;
    }

    /** @return whether the trace was kept by whoever refers to it (else it is cleared) */
    private boolean leave(Trace t) {
        if (giveWay.givingWay(t)) {
            t.inDatabase = false;
            return true;
        }
        t.clear(); // its opened object stays: whoever fills it gives or takes one (giveSite, takeSite)
        return false;
    }

    /** @return traces that gave way to newer ones (or to a smaller capacity) since the last clear */
    long evicted() {
        return evicted;
    }
}
