package dev.jhtrace.agent;

import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.bootstrap.HandleHooks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * One tracing session in this JVM: the ring, its analyzer, and the capture the hooks call.
 */
final class Tracer {
    private static final int RING_SIZE = 1 << 16;

    private final Analyzer analyzer;
    private final EventRing ring;
    private final HandleCapture capture;
    private final long startedAt = System.currentTimeMillis();
    private final List<String> warnings;

    Tracer(AgentOptions options, List<HookPoint> points, List<String> warnings) {
        this.analyzer = new Analyzer(options.maxTraces());
        this.ring = new EventRing(RING_SIZE, analyzer);
        this.capture = new HandleCapture(points, ring);
        this.capture.setEnabled(options.enabled());
        this.warnings = warnings;
        HandleHooks.sink = capture;
    }

    /**
     * Builds a report on the analyzer thread, after every event published before this call.
     *
     * @param includeRuntime also the JVM's own handles
     * @param traces         which traces to include
     * @param timeoutMillis  how long to wait
     * @return the report, or null if the analyzer did not answer in time
     */
    LeakReport report(boolean includeRuntime, Predicate<Trace> traces, long timeoutMillis) {
        AtomicReference<LeakReport> result = new AtomicReference<>();
        ring.runInOrder(() -> result.set(analyzer.report(includeRuntime, traces, startedAt, ring::dropped, warnings)),
                timeoutMillis, TimeUnit.MILLISECONDS);
        return result.get();
    }

    /** @return events dropped so far */
    long dropped() {
        return ring.dropped();
    }
}
