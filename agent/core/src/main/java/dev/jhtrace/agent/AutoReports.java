package dev.jhtrace.agent;

import dev.jhtrace.agent.os.DescriptorReserve;
import dev.jhtrace.agent.os.ProcessInfo;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.LeakSites;
import dev.jhtrace.agent.report.ReportFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports written while the program runs, at the moments one is wanted most: when the program's open handles first
 * exceed {@code threshold=N}, and at the first "Too many open files" (docs/options.md#automatic-reports).
 *
 * <p>Each is written once: a program at its limit fails thousands of opens a second, and a report for each would bury
 * the one that matters (and the disk). A report goes beside {@code report=PATH}, as {@code PATH} with
 * {@code .threshold} or {@code .emfile} before its extension, or without {@code report=} as the summary on stderr.
 * It is built on a thread of its own: the analyzer, which notices the threshold, must keep answering the copy the
 * report asks of it, and the application thread that hit the limit must not wait.
 */
public final class AutoReports implements Analyzer.ThresholdListener {
    private static final long REPORT_TIMEOUT_MILLIS = 10_000;

    /** The running agent's, for the hooks of failed opens; null before it starts. */
    private static volatile AutoReports current;

    private final Tracer tracer;
    private final AtomicBoolean exhaustionReported = new AtomicBoolean();

    AutoReports(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Makes this the receiver of {@link #openFailed}, with what it runs on an application thread loaded now. */
    void install() {
        new Job(null, null, 0, 0, null, null).run();
        AgentThreads.wrap(null);
        current = this;
    }

    /**
     * Called by the hooks of opens, sockets and accepts (on the application thread) when one failed for want of
     * descriptors.
     *
     * @param failure what the JDK threw
     */
    public static void openFailed(Throwable failure) {
        AutoReports a = current;
        if (a != null) {
            a.descriptorsExhausted(failure);
        }
    }

    /** Called on the analyzer thread, once per arming (see {@link Analyzer#armThreshold}). */
    @Override
    public void thresholdExceeded(int threshold, int open) {
        start(new Job(this, "threshold", threshold, open, null, null));
    }

    /**
     * Called on the application thread whose open failed; returns at once.
     *
     * @param failure what the JDK threw ("Too many open files")
     */
    void descriptorsExhausted(Throwable failure) {
        if (!exhaustionReported.compareAndSet(false, true)) {
            return;
        }
        // only the stack is taken here, on the application thread (the exception's would not do: NIO's UnixException
        // carries none); it is read, and the reason written, on the report's thread: here no class is loaded, no
        // text is made, and the JDK lock the failed open may hold is not held longer than that
        start(new Job(this, "emfile", 0, 0, failure, new Throwable()));
    }

    private static void start(Job job) {
        Thread t = new Thread(AgentThreads.wrap(job), "jhtrace-auto-report");
        t.setDaemon(true); // never holds the JVM's exit; the shutdown report is written anyway
        t.start();
    }

    /** One automatic report to write, on its own thread; its reason is worded there. */
    private static final class Job implements Runnable {
        private final AutoReports reports;
        private final String suffix;
        private final int threshold;
        private final int open;
        private final Throwable failure;
        private final Throwable at;

        Job(AutoReports reports, String suffix, int threshold, int open, Throwable failure, Throwable at) {
            this.reports = reports;
            this.suffix = suffix;
            this.threshold = threshold;
            this.open = open;
            this.failure = failure;
            this.at = at;
        }

        @Override
        public void run() {
            if (reports == null) {
                return; // the one made at start, so that this class is loaded before an application thread needs it
            }
            if (failure == null) {
                reports.write(
                        suffix,
                        "written because the program's open handles exceeded threshold=" + threshold + " (" + open
                                + " open)",
                        false);
                return;
            }
            String where = "";
            for (StackTraceElement f : at.getStackTrace()) {
                if (LeakSites.isProgram(f)) {
                    where = " at " + f;
                    break;
                }
            }
            reports.write(suffix, "written at the first 'Too many open files': " + failure + where, true);
        }
    }

    /** How often a report that found no free descriptor is tried again, a second apart. */
    private static final int ATTEMPTS = 30;

    private void write(String suffix, String why, boolean atTheLimit) {
        AgentOptions options = tracer.options();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Throwable failed;
            if (atTheLimit) {
                // the report needs a descriptor at a time (the listing, a socket table, the file) and the program has
                // none: the spare ones are lent for it (never the shutdown report's), and taken back after
                Throwable[] lent = {null};
                DescriptorReserve.lendSpare(() -> lent[0] = writeNow(options, suffix, why));
                failed = lent[0];
            } else {
                failed = writeNow(options, suffix, why);
            }
            if (failed == null) {
                return;
            }
            // a program thread took the descriptors first (it is at its limit, opening in a loop): the program may
            // free some; until then, every try costs one listing of /proc/self/fd
            if (!String.valueOf(failed.getMessage()).contains("Too many open files") || attempt == ATTEMPTS) {
                AgentLog.warn("jhtrace: could not write the report " + suffix + ": "
                        + AgentOptions.printable(String.valueOf(failed))
                        + (attempt > 1 ? " (tried " + attempt + " times)" : ""));
                return;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return null once written, or why it could not be */
    private Throwable writeNow(AgentOptions options, String suffix, String why) {
        try {
            if (options.reportPath() == null) {
                List<HandleView> open = tracer.openHandles(options.includeRuntime(), REPORT_TIMEOUT_MILLIS);
                if (open != null) {
                    AgentLog.warn("jhtrace: " + AgentOptions.printable(why) + "\n"
                            + ShutdownReporter.summary(ProcessInfo.pid(), open, "open now"));
                }
                return null;
            }
            TraceFilter which = options.traces();
            LeakReport r =
                    tracer.report(ReportRequest.leaks(options.includeRuntime(), which::keeps), REPORT_TIMEOUT_MILLIS);
            if (r == null) {
                AgentLog.warn("jhtrace: the analyzer did not answer within " + REPORT_TIMEOUT_MILLIS + " ms; no report "
                        + suffix);
                return null;
            }
            Path path = beside(ReportFile.expand(options.reportPath(), r.pid()), suffix);
            ReportFile.write(path, options.format().write(r.withWarning("this report was " + why)), r.pid());
            AgentLog.warn(
                    "jhtrace: report " + AgentOptions.printable(path.toString()) + " " + AgentOptions.printable(why));
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * @param report the shutdown report's path
     * @param suffix what the automatic report is for
     * @return {@code leaks-12.json} as {@code leaks-12.threshold.json}; a name without an extension gets it at its end
     */
    static Path beside(Path report, String suffix) {
        String name = report.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String named = dot > 0 ? name.substring(0, dot) + "." + suffix + name.substring(dot) : name + "." + suffix;
        return report.resolveSibling(named);
    }
}
