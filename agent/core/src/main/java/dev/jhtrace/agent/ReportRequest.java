package dev.jhtrace.agent;

import java.util.function.Predicate;

/**
 * What a report includes.
 *
 * @param openHandles    list open handles
 * @param sinceSnapshot  only handles opened since the last snapshot (and, among untraced fds, only new ones): {@code -diff}
 * @param includeRuntime also the JVM's own handles
 * @param traces         which traces to list, newest first
 * @param maxTraces      at most this many traces
 * @param reclaimed      list handles the GC reclaimed
 * @param handle         only this descriptor's traces and untraced entry (a one-handle query), or -1 for all
 * @param openedAfter    only handles opened after this {@link System#nanoTime()} (a test's start), and no untraced
 *                       ones; {@link Long#MIN_VALUE} for all
 */
public record ReportRequest(
        boolean openHandles,
        boolean sinceSnapshot,
        boolean includeRuntime,
        Predicate<Trace> traces,
        int maxTraces,
        boolean reclaimed,
        int handle,
        long openedAfter) {

    /** {@code openedAfter} of a request that takes every handle, whenever it was opened. */
    static final long ANY_TIME = Long.MIN_VALUE;

    /** No trace at all. A class, not {@code t -> false}: a lambda is a class spun at run time, at every exit. */
    private static final Predicate<Trace> NO_TRACES = new NoTraces();

    private static final class NoTraces implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return false;
        }
    }

    /** @return whether a handle opened at {@code openedNanos} is one this request asks about */
    boolean openedInTime(long openedNanos) {
        return openedAfter == ANY_TIME || openedNanos - openedAfter > 0;
    }

    /**
     * @param mark a {@link System#nanoTime()} (a test's start)
     * @return handles opened after the mark and still open, and those of them the GC's cleaner closed; the JVM's own
     *     left out
     */
    public static ReportRequest openedSince(long mark) {
        return new ReportRequest(true, false, false, NO_TRACES, 0, true, -1, mark);
    }

    /**
     * @param includeRuntime also the JVM's own handles
     * @param traces         which traces
     * @return the shutdown leak report
     */
    static ReportRequest leaks(boolean includeRuntime, Predicate<Trace> traces) {
        return new ReportRequest(true, false, includeRuntime, traces, Integer.MAX_VALUE, true, -1, ANY_TIME);
    }

    /**
     * @param includeRuntime also the JVM's own handles
     * @return the open handles only, for the look at exit: no trace and no reclaimed handle is copied
     */
    static ReportRequest openOnly(boolean includeRuntime) {
        return new ReportRequest(true, false, includeRuntime, NO_TRACES, 0, false, -1, ANY_TIME);
    }

    /**
     * @param includeRuntime also the JVM's own handles
     * @return handles opened since the snapshot and still open, and those of them the GC's cleaner closed since
     */
    public static ReportRequest diff(boolean includeRuntime) {
        return new ReportRequest(true, true, includeRuntime, NO_TRACES, 0, true, -1, ANY_TIME);
    }

    /**
     * @param handle    the descriptor, or 0 for all
     * @param maxTraces at most this many
     * @return traces of one handle, newest first
     */
    public static ReportRequest traces(int handle, int maxTraces) {
        return new ReportRequest(
                false,
                false,
                false,
                t -> handle == 0 || t.fd() == handle,
                maxTraces,
                false,
                handle == 0 ? -1 : handle,
                ANY_TIME);
    }
}
