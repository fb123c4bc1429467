package dev.jhtrace.agent;

import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.bootstrap.HandleHooks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One tracing session in this JVM: the ring, its analyzer, and the capture the hooks call.
 */
final class Tracer {
    /**
     * Slots. Each is a preallocated event, made in premain (65,536 of them took 10-15 ms of start-up). The ring only
     * has to absorb what producers publish while the analyzer (9 M events/s) is off the CPU: with at most ~1.3 M
     * events/s from real opens and closes on two cores, 32,768 slots last 25 ms. ChurnIT (4 threads on 2 cores)
     * drops nothing with half of that.
     */
    private static final int RING_SIZE = 1 << 15;

    private final Analyzer analyzer;
    private final EventRing ring;
    private final HandleCapture capture;
    private final long startedAt = System.currentTimeMillis();
    private final List<String> warnings;
    private volatile NativeDrain nativeDrain;
    private volatile HookCheck hookCheck;
    /** The options in force: those of the start, with what a later {@code -enable k=v} changed. */
    private volatile AgentOptions options;

    Tracer(AgentOptions options, List<HookPoint> points, List<String> warnings) {
        this.options = options;
        this.analyzer = new Analyzer(options.maxTraces(), options.depth());
        this.ring = new EventRing(RING_SIZE, analyzer);
        this.capture = new HandleCapture(points, ring, options.depth(), options.closeDepth());
        this.capture.setEnabled(options.enabled());
        this.warnings = warnings;
        HandleHooks.sink = capture;
    }

    /**
     * Builds a report on the analyzer thread, after every event published before this call.
     *
     * @param request       what to include
     * @param timeoutMillis how long to wait
     * @return the report, or null if the analyzer did not answer in time
     */
    LeakReport report(ReportRequest request, long timeoutMillis) {
        checkHooks(); // its warnings belong in every report
        String walker = NativeHooks.loaded ? WalkerCheck.switchedOff() : null;
        if (walker != null && !warnings.contains(walker)) {
            warnings.add(walker);
            AgentLog.once("walker-off", walker);
        }
        // the OS's table first, then the events: every close that made a descriptor vanish from this listing was
        // published before the command below (Java close hooks run before the close, native ones are flushed now), so
        // a leak the GC's cleaner closes while the report is made is listed as reclaimed, never lost between the two
        java.util.Map<Integer, String> os = ProcFds.list(ProcFds.self());
        flushNative();
        return onAnalyzer(() -> analyzer.report(request, os, startedAt, this::dropped, warnings), timeoutMillis);
    }

    /** @return the options in force */
    AgentOptions options() {
        return options;
    }

    /** @param changed the options in force from now on (only those that may change at run time differ) */
    void setOptions(AgentOptions changed) {
        options = changed;
    }

    /** @param warning a line every later report carries among its warnings */
    void warn(String warning) {
        warnings.add(warning);
    }

    /** Runs the check of the hooks, if it has not run yet: its warnings go to stderr and into later reports. */
    void checkHooks() {
        HookCheck check = hookCheck;
        if (check != null) {
            check.ensureDone();
        }
    }

    /**
     * The program's handles open now, without the rest of a report: for the look at exit.
     *
     * @param includeRuntime also the JVM's own handles
     * @param timeoutMillis  how long to wait
     * @return the handles, or null if the analyzer did not answer in time
     */
    List<dev.jhtrace.agent.report.HandleView> openHandles(boolean includeRuntime, long timeoutMillis) {
        java.util.Map<Integer, String> os = ProcFds.list(ProcFds.self()); // first: see report()
        flushNative();
        return onAnalyzer(() -> analyzer.openHandles(os, includeRuntime), timeoutMillis);
    }

    /** Moves native events recorded before this call into the ring: they belong in what is asked next. */
    private void flushNative() {
        NativeDrain drain = nativeDrain;
        if (drain != null) {
            drain.flush();
        }
    }

    /**
     * Runs {@code task} on the analyzer thread after every event published before this call.
     *
     * @param task          what to run
     * @param timeoutMillis how long to wait
     * @param <T>           its result
     * @return the result, or null if the analyzer did not answer in time
     */
    <T> T onAnalyzer(java.util.function.Supplier<T> task, long timeoutMillis) {
        AtomicReference<T> result = new AtomicReference<>();
        ring.runInOrder(() -> result.set(task.get()), timeoutMillis, TimeUnit.MILLISECONDS);
        return result.get();
    }

    /**
     * Starts moving native events into the ring.
     *
     * @return the drain
     */
    NativeDrain startNativeDrain() {
        NativeDrain drain = new NativeDrain(ring);
        drain.start();
        nativeDrain = drain;
        capture.setNative(true);
        return drain;
    }

    /** @param check the start-up check of the hooks, whose warnings reports carry */
    void setHookCheck(HookCheck check) {
        hookCheck = check;
    }

    /** @return the analyzer; touch its state only through {@link #onAnalyzer} */
    Analyzer analyzer() {
        return analyzer;
    }

    /** @return the capture, to switch hooks on and off */
    HandleCapture capture() {
        return capture;
    }

    /** @return events dropped so far: the ring's, and the native module's when it is loaded */
    long dropped() {
        return ring.dropped() + (nativeDrain != null ? NativeHooks.dropped0() : 0);
    }
}
