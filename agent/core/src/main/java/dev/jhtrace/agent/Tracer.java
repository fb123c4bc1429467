package dev.jhtrace.agent;

import dev.jhtrace.agent.hook.HookCheck;
import dev.jhtrace.agent.hook.HookPoint;
import dev.jhtrace.agent.jni.NativeHooks;
import dev.jhtrace.agent.jni.WalkerCheck;
import dev.jhtrace.agent.os.ProcFds;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.Suppressions;
import dev.jhtrace.bootstrap.HandleHooks;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One tracing session in this JVM: the ring, its analyzer, and the capture the hooks call.
 */
public final class Tracer {
    /**
     * Slots. Each is a preallocated event, made in premain (65,536 of them took 10-15 ms of start-up). The ring only
     * has to absorb what producers publish while the analyzer (9 M events/s) is off the CPU: with at most ~1.3 M
     * events/s from real opens and closes on two cores, 32,768 slots last 25 ms. ChurnIT (4 threads on 2 cores)
     * drops nothing with half of that.
     */
    private static final int RING_SIZE = ringSize(Integer.getInteger("jhtrace.ring", 1 << 15));

    private final Analyzer analyzer;

    /**
     * @param asked {@code -Djhtrace.ring=N}: a diagnostic for tests of a full ring (docs/options.md)
     * @return the power of two at or above it, between 16 and 2^20
     */
    static int ringSize(int asked) {
        int n = Math.max(16, Math.min(1 << 20, asked));
        return Integer.bitCount(n) == 1 ? n : Integer.highestOneBit(n) << 1;
    }

    private final ReportBuilder builder;
    private final EventRing ring;
    private final HandleCapture capture;
    private final long startedAt = System.currentTimeMillis();
    private final List<String> warnings;
    private volatile NativeDrain nativeDrain;
    private volatile HookCheck hookCheck;
    /** The options in force: those of the start, with what a later {@code -enable k=v} changed. */
    private volatile AgentOptions options;

    private final AutoReports autoReports;

    Tracer(AgentOptions options, List<HookPoint> points, List<String> warnings) {
        this.options = options;
        DropLedger ledger = DropLedger.process();
        this.analyzer = new Analyzer(options.maxTraces(), ledger);
        this.ring = new EventRing(RING_SIZE, analyzer, ledger);
        this.builder = new ReportBuilder(new StackResolver(), ledger, options.depth(), AgentJar.path());
        this.capture = new HandleCapture(points, ring, options.depth(), options.closeDepth());
        this.capture.setEnabled(options.enabled());
        this.warnings = warnings;
        this.autoReports = new AutoReports(this);
        analyzer.armThreshold(options.threshold(), autoReports);
        autoReports.install();
        applyJfr(false, options.jfr());
        dev.jhtrace.agent.report.LeakSites.addFrameworks(options.frameworks());
        HandleHooks.sink = capture;
        dev.jhtrace.bootstrap.LeakChecks.publish(new dev.jhtrace.agent.testing.TestLeakChecks(this));
    }

    /** Writes the automatic reports still waiting for a free descriptor (the shutdown report's thread, at exit). */
    void writePendingAutoReports() {
        autoReports.writePendingAtExit();
    }

    /**
     * Builds a report on the analyzer thread, after every event published before this call.
     *
     * @param request       what to include
     * @param timeoutMillis how long to wait
     * @return the report, or null if the analyzer did not answer in time
     */
    public LeakReport report(ReportRequest request, long timeoutMillis) {
        checkHooks(); // its warnings belong in every report
        String walker = NativeHooks.loaded ? WalkerCheck.switchedOff() : null;
        if (walker != null && !warnings.contains(walker)) {
            warnings.add(walker);
            AgentLog.once("walker-off", walker);
        }
        // the OS's table first, then the events: every close that made a descriptor vanish from this listing was
        // published before the command below (Java close hooks run before the close, native ones are flushed now), so
        // a leak the GC's cleaner closes while the report is made is listed as reclaimed, never lost between the two
        java.util.Map<Integer, String> before = listing();
        flushNative();
        // the analyzer only copies its state; the report is built here, so the ring keeps moving meanwhile
        TableCopy copy = onAnalyzer(new Copy(analyzer, request), timeoutMillis);
        if (copy == null) {
            return null;
        }
        java.util.Map<Integer, String> after = listing();
        return builder.build(
                request,
                copy,
                before,
                after,
                new ReportBuilder.Counts(startedAt, dropped(), errors()),
                warnings,
                request.handle() >= 0 ? Suppressions.NONE : options.suppress()); // a handle's traces are asked for
    }

    /**
     * @return the OS's table of this process
     * @throws java.io.UncheckedIOException when it cannot be listed (no descriptor free): a report must then fail, not
     *     say that nothing is open
     */
    private static java.util.Map<Integer, String> listing() {
        try {
            return ProcFds.listOrFail(ProcFds.self());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc/self/fd: " + e.getMessage(), e);
        }
    }

    /** @return events lost to a failing hook, or records that could not be processed: the analyzer's own count is in its copies */
    private long errors() {
        NativeDrain drain = nativeDrain;
        return ring.handlerErrors() + capture.failures() + (drain != null ? drain.badRecords() : 0);
    }

    /** @return the options in force */
    public AgentOptions options() {
        return options;
    }

    /** @param changed the options in force from now on (only those that may change at run time differ) */
    public void setOptions(AgentOptions changed) {
        applyJfr(options.jfr(), changed.jfr());
        dev.jhtrace.agent.report.LeakSites.addFrameworks(changed.frameworks());
        if (changed.threshold() != options.threshold()) {
            analyzer.armThreshold(changed.threshold(), autoReports); // a new threshold= is told once more
        }
        options = changed;
    }

    /** Switches JFR events as {@code jfr=} asks; {@code jdk.jfr} is touched only when they were or will be on. */
    private void applyJfr(boolean was, boolean now) {
        if (was == now) {
            return;
        }
        String failed;
        try {
            failed = dev.jhtrace.agent.jfr.JfrEvents.set(now, analyzer::openByKind);
        } catch (LinkageError | RuntimeException e) {
            failed = "no JFR events (" + e + ")"; // a runtime without the jdk.jfr module
        }
        if (failed != null) {
            AgentLog.warn("jhtrace: " + failed + "; jfr=true is ignored");
            Emitter.jfr = false;
            return;
        }
        Emitter.jfr = now;
    }

    /** @param warning a line every later report carries among its warnings */
    void warn(String warning) {
        warnings.add(warning);
    }

    /** Keeps this run's rewrites of the hooked JDK classes for the next run, if it made any (at exit). */
    void saveHookCache() {
        HookCheck check = hookCheck;
        if (check != null) {
            boolean was = AgentThreads.enterAgent(); // not runAsAgent(check::saveTransforms): no lambda at exit
            try {
                check.saveTransforms();
            } finally {
                AgentThreads.exitAgent(was);
            }
        }
    }

    /** Runs the check of the hooks, if it has not run yet: its warnings go to stderr and into later reports. */
    void checkHooks() {
        HookCheck check = hookCheck;
        if (check != null) {
            // the cache's files are the agent's, whichever thread asks for the first report (a JUnit test's, say)
            boolean was = AgentThreads.enterAgent();
            try {
                check.ensureDone();
            } finally {
                AgentThreads.exitAgent(was);
            }
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
        java.util.Map<Integer, String> os = listing(); // first: see report()
        flushNative();
        TableCopy copy = onAnalyzer(new Copy(analyzer, ReportRequest.openOnly(includeRuntime)), timeoutMillis);
        return copy == null ? null : builder.openHandles(copy, os, includeRuntime, options.suppress());
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
    public <T> T onAnalyzer(java.util.function.Supplier<T> task, long timeoutMillis) {
        AnalyzerTask<T> run = new AnalyzerTask<>(task);
        ring.runInOrder(run, timeoutMillis, TimeUnit.MILLISECONDS);
        RuntimeException failure = run.failure;
        if (failure != null) {
            throw new IllegalStateException("the analyzer failed: " + failure, failure);
        }
        return run.result;
    }

    /*
     * The tasks of reports and of the exit as classes, not lambdas: every lambda is a class spun at run time with the
     * JDK's ASM, cold, about a millisecond each, and every JVM's exit runs these.
     */

    /** A task on the analyzer thread, with its result or failure for the asking thread. */
    private static final class AnalyzerTask<T> implements Runnable {
        private final java.util.function.Supplier<T> task;
        /** Volatile: a task that timed out may still finish after the asker gave up on it. */
        volatile T result;

        volatile RuntimeException failure;

        AnalyzerTask(java.util.function.Supplier<T> task) {
            this.task = task;
        }

        @Override
        public void run() {
            try {
                result = task.get();
            } catch (RuntimeException e) {
                failure = e; // thrown again on the asking thread, which says what went wrong
            }
        }
    }

    /** The analyzer's copy of its state for one request. */
    private static final class Copy implements java.util.function.Supplier<TableCopy> {
        private final Analyzer analyzer;
        private final ReportRequest request;

        Copy(Analyzer analyzer, ReportRequest request) {
            this.analyzer = analyzer;
            this.request = request;
        }

        @Override
        public TableCopy get() {
            return analyzer.copy(request);
        }
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
    public Analyzer analyzer() {
        return analyzer;
    }

    /** @return the capture, to switch hooks on and off */
    public HandleCapture capture() {
        return capture;
    }

    /**
     * The program's open handles as a report lists them (for JMX): what {@link #openHandles} gives, with the
     * options in force.
     *
     * @param timeoutMillis how long to wait for the analyzer
     * @return them, or null if it did not answer in time
     */
    public List<dev.jhtrace.agent.report.HandleView> programHandles(long timeoutMillis) {
        return openHandles(options.includeRuntime(), timeoutMillis);
    }

    /** @return events dropped so far: the ring's, and the native module's when it is loaded */
    public long dropped() {
        return ring.dropped() + (nativeDrain != null ? NativeHooks.dropped0() : 0);
    }
}
