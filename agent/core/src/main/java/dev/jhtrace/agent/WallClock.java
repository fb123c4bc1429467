package dev.jhtrace.agent;

/**
 * Turns {@link System#nanoTime()} stamps into wall-clock milliseconds, on the analyzer thread.
 *
 * <p>Why: a hooked open or close used to read both clocks, about 45 ns each on a virtual machine. The hook now
 * reads only the monotonic one, which the analyzer needs anyway to order events, and the analyzer maps it to the
 * wall clock with a pair of readings it takes once per batch of events, so a change of the system time is
 * followed within a batch.
 */
final class WallClock {
    private long anchorMillis;
    private long anchorNanos;

    WallClock() {
        resync();
    }

    /** Takes a new pair of readings of both clocks. */
    void resync() {
        anchorNanos = System.nanoTime();
        anchorMillis = System.currentTimeMillis();
    }

    /**
     * @param nanos a {@link System#nanoTime()} reading of this JVM
     * @return the wall-clock time of that reading, in milliseconds since the epoch
     */
    long millisAt(long nanos) {
        // the anchor's own wall time lies anywhere in its millisecond: count from the middle of it
        return anchorMillis + Math.floorDiv(nanos - anchorNanos + 500_000L, 1_000_000L);
    }
}
