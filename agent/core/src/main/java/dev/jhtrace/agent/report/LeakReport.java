package dev.jhtrace.agent.report;

import java.util.List;

/**
 * Everything one report says, in the shape of the JSON contract (docs/report-formats.md).
 *
 * @param pid          the process
 * @param command      the process's command line, for the text header
 * @param startedAt    when tracing started, epoch milliseconds
 * @param generatedAt  when this report was made
 * @param parsed       stack traces held in the trace database
 * @param dropped      events lost because the ring was full
 * @param openHandles  the program's open handles
 * @param traces       traces shown
 * @param reclaimed    handles the program dropped without closing, closed by the GC's cleaner
 * @param untraced     open descriptors with no trace
 * @param warnings     hooks that matched nothing, and similar
 * @param events       events the analyzer processed
 * @param errors       events that could not be processed or read, and were skipped
 * @param hidden       open descriptors not shown because the JVM or jhtrace holds them for itself
 * @param evicted      traces and reclaimed handles that gave way to newer ones (the limits of {@code max=} and the
 *                     reclaimed list)
 * @param suppressed   leaks (open and reclaimed) not shown because a {@code suppress=} pattern accepts them
 * @param timeline     the program's open-handle count over time, oldest first (see the HTML report)
 */
public record LeakReport(
        long pid,
        String command,
        long startedAt,
        long generatedAt,
        long parsed,
        long dropped,
        List<HandleView> openHandles,
        List<TraceView> traces,
        List<HandleView> reclaimed,
        List<UntracedView> untraced,
        List<String> warnings,
        long events,
        long errors,
        int hidden,
        long evicted,
        int suppressed,
        List<OpenCount> timeline) {

    /** A report without a timeline (one built from a JSON report, or in a test). */
    public LeakReport(
            long pid,
            String command,
            long startedAt,
            long generatedAt,
            long parsed,
            long dropped,
            List<HandleView> openHandles,
            List<TraceView> traces,
            List<HandleView> reclaimed,
            List<UntracedView> untraced,
            List<String> warnings,
            long events,
            long errors,
            int hidden,
            long evicted,
            int suppressed) {
        this(
                pid,
                command,
                startedAt,
                generatedAt,
                parsed,
                dropped,
                openHandles,
                traces,
                reclaimed,
                untraced,
                warnings,
                events,
                errors,
                hidden,
                evicted,
                suppressed,
                List.of());
    }

    /**
     * @param warning a line to put first among the warnings
     * @return this report with it
     */
    public LeakReport withWarning(String warning) {
        List<String> w = new java.util.ArrayList<>(warnings.size() + 1);
        w.add(warning);
        w.addAll(warnings);
        return with(openHandles, reclaimed, w, suppressed);
    }

    /**
     * @param minAgeMillis the youngest age a leak must have, 0 for any
     * @return this report without the open handles opened less than that long before it was made (requests in flight
     *     when the program exits), counted with the suppressed ones
     */
    public LeakReport withoutYoungerThan(long minAgeMillis) {
        if (minAgeMillis <= 0) {
            return this;
        }
        List<HandleView> old = olderThan(openHandles, generatedAt, minAgeMillis);
        return with(old, reclaimed, warnings, suppressed + openHandles.size() - old.size());
    }

    /**
     * @param open          the open handles to keep (a subset of this report's, possibly with shorter stacks)
     * @param reclaimedKept the reclaimed ones to keep
     * @return this report with only those, the ones left out counted with the suppressed ones
     */
    public LeakReport withOnly(List<HandleView> open, List<HandleView> reclaimedKept) {
        int left = openHandles.size() - open.size() + reclaimed.size() - reclaimedKept.size();
        return with(open, reclaimedKept, warnings, suppressed + left);
    }

    /** @return this report with other leaks, warnings and suppressed count: what the three above change */
    private LeakReport with(List<HandleView> open, List<HandleView> gone, List<String> w, int suppressedCount) {
        return new LeakReport(
                pid,
                command,
                startedAt,
                generatedAt,
                parsed,
                dropped,
                open,
                traces,
                gone,
                untraced,
                w,
                events,
                errors,
                hidden,
                evicted,
                suppressedCount,
                timeline);
    }

    /**
     * @param handles      open handles
     * @param nowMillis    the time of the look
     * @param minAgeMillis the youngest age kept
     * @return those opened at least that long before
     */
    public static List<HandleView> olderThan(List<HandleView> handles, long nowMillis, long minAgeMillis) {
        if (minAgeMillis <= 0) {
            return handles;
        }
        List<HandleView> old = new java.util.ArrayList<>(handles.size());
        for (HandleView h : handles) {
            if (nowMillis - h.openedAt() >= minAgeMillis) {
                old.add(h);
            }
        }
        return old;
    }

    /** @return untraced descriptors whose events may have been dropped: perhaps opened while tracing was on */
    public int lost() {
        int n = 0;
        for (UntracedView u : untraced) {
            n += u.lost() ? 1 : 0;
        }
        return n;
    }

    /** @return how many stack traces the report shows (open handles, traces and reclaimed handles) */
    public long dumped() {
        return openHandles.size() + traces.size() + reclaimed.size();
    }
}
