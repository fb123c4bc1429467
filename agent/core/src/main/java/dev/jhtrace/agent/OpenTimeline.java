package dev.jhtrace.agent;

import dev.jhtrace.agent.report.OpenCount;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's open-handle count over time, for the HTML report's chart: at most {@value #CAPACITY} samples, each
 * the highest count within its interval (a peak is never lost between two samples). The interval starts at one
 * second and doubles whenever the samples fill up, so a run of any length fits; recording costs a comparison per
 * event. Analyzer thread only.
 */
final class OpenTimeline {
    static final int CAPACITY = 512;

    private final long[] at = new long[CAPACITY];
    private final int[] open = new int[CAPACITY];
    private int size;
    private long intervalMillis = 1_000;
    /** The current interval: its start, and the highest count in it so far (-1 before its first event). */
    private long intervalStart = Long.MIN_VALUE;

    private int intervalMax = -1;

    /**
     * @param timeMillis when (wall clock)
     * @param count      the count after the event
     */
    void record(long timeMillis, int count) {
        if (timeMillis - intervalStart >= intervalMillis || intervalMax < 0) {
            flush();
            intervalStart = timeMillis;
            intervalMax = count;
            return;
        }
        if (count > intervalMax) {
            intervalMax = count;
        }
    }

    private void flush() {
        if (intervalMax < 0) {
            return;
        }
        if (size == CAPACITY) {
            // halve: pairs merge into one sample with the pair's peak, and intervals get twice as long
            for (int i = 0; i < CAPACITY / 2; i++) {
                at[i] = at[2 * i];
                open[i] = Math.max(open[2 * i], open[2 * i + 1]);
            }
            size = CAPACITY / 2;
            intervalMillis *= 2;
        }
        at[size] = intervalStart;
        open[size] = intervalMax;
        size++;
    }

    /** Forgets every sample (tracing was disabled: the count starts again at zero). */
    void clear() {
        size = 0;
        intervalMax = -1;
        intervalStart = Long.MIN_VALUE;
        intervalMillis = 1_000;
    }

    /**
     * @param nowMillis the time of the copy
     * @param count     the count now
     * @return the samples so far, oldest first, ending with the count now
     */
    List<OpenCount> copy(long nowMillis, int count) {
        List<OpenCount> samples = new ArrayList<>(size + 2);
        for (int i = 0; i < size; i++) {
            samples.add(new OpenCount(at[i], open[i]));
        }
        if (intervalMax >= 0) {
            samples.add(new OpenCount(intervalStart, intervalMax));
        }
        samples.add(new OpenCount(nowMillis, count));
        return samples;
    }
}
