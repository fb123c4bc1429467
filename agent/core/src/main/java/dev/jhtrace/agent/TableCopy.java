package dev.jhtrace.agent;

import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * What a report needs of the analyzer's state, copied on the analyzer thread in one short command so that the
 * report itself (frames, {@code /proc}, text) is built on the asking thread while events keep flowing.
 *
 * @param open             copies of the program's open handles (each marked {@link HandleRecord#vouched} and
 *                         {@link HandleRecord#inSnapshot})
 * @param tracedNumbers    numbers the handle table holds open, the agent's own included
 * @param agentNumbers     numbers of those that are the agent's own
 * @param traces           copies of the traces asked for, newest first
 * @param reclaimed        copies of the handles the GC reclaimed that the request wants
 * @param snapshotUntraced numbers untraced at the last snapshot
 * @param dropBaseline     the drop counters when tracing (re)started ({@link DropLedger#copy()}; never changed)
 * @param traceCount       traces held
 * @param events           events the analyzer has processed
 * @param badEvents        events it could not process (skipped)
 * @param evicted          traces and reclaimed handles that gave way to newer ones (the database's and the list's limits)
 */
record TableCopy(
        List<HandleRecord> open,
        BitSet tracedNumbers,
        BitSet agentNumbers,
        List<Trace> traces,
        List<HandleRecord> reclaimed,
        Set<Integer> snapshotUntraced,
        int[] dropBaseline,
        int traceCount,
        long events,
        long badEvents,
        long evicted,
        List<dev.jhtrace.agent.report.OpenCount> timeline) {}
