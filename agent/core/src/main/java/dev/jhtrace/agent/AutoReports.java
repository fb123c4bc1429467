package dev.jhtrace.agent;

import dev.jhtrace.agent.os.DescriptorExhaustion;
import dev.jhtrace.agent.os.DescriptorReserve;
import dev.jhtrace.agent.os.ProcessInfo;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.LeakSites;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

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
    private static final long REPORT_TIMEOUT_MILLIS = LeakReportFile.REPORT_TIMEOUT_MILLIS;

    /** The running agent's, for the hooks of failed opens; null before it starts. */
    private static volatile AutoReports current;

    private final Tracer tracer;
    private final AtomicBoolean exhaustionReported = new AtomicBoolean();

    AutoReports(Tracer tracer) {
        this.tracer = tracer;
    }

    /** {@link #recognisedLater}, for {@link DescriptorExhaustion}. */
    private final class LateRecognition implements java.util.function.Consumer<Throwable> {
        @Override
        public void accept(Throwable failure) {
            recognisedLater(failure);
        }
    }

    /** Makes this the receiver of {@link #openFailed}, with what it runs on an application thread loaded now. */
    void install() {
        new Job(null, null, 0, 0, null, null).run();
        AgentThreads.wrap(null);
        // a class, not this::recognisedLater: a lambda is a class spun at start-up (see Analyzer.TablesGiveWay)
        DescriptorExhaustion.whenRecognisedLater(new LateRecognition()); // also loads the hook's test now
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

    /**
     * A failure recognised only once the native module told this locale's text of EMFILE, on another thread: its
     * own stack says where it happened (the JDK's exceptions of failed opens have the program's frames).
     */
    private void recognisedLater(Throwable failure) {
        if (exhaustionReported.compareAndSet(false, true)) {
            start(new Job(this, "emfile", 0, 0, failure, failure));
        }
    }

    private void start(Job job) {
        pending.add(job); // before its thread runs: the exit writes it if the thread never gets to
        Thread t = new Thread(AgentThreads.wrap(job), "jhtrace-auto-report");
        t.setDaemon(true); // never holds the JVM's exit; the exit writes what is still pending (writePendingAtExit)
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
        /** Written, or given up on: set under {@link #writing}. */
        private boolean done;

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
            reports.write(this);
        }

        /** Whether it is written at the limit: then no descriptor is free, and it borrows the spare ones. */
        boolean atTheLimit() {
            return failure != null;
        }

        /** Why the report is written, as its first warning says (after "this report was "). */
        String why() {
            if (failure == null) {
                return "written because the program's open handles exceeded threshold=" + threshold + " (" + open
                        + " open)";
            }
            String where = "";
            for (StackTraceElement f : at.getStackTrace()) {
                if (LeakSites.isProgram(f)) {
                    where = " at " + f;
                    break;
                }
            }
            return "written at the first 'Too many open files': " + failure + where;
        }
    }

    /** How often a report that found no free descriptor is tried again, a second apart. */
    private static final int ATTEMPTS = 30;

    /** The longest the exit waits for a report being written on its own thread before it writes the pending ones. */
    private static final long EXIT_WAIT_MILLIS = REPORT_TIMEOUT_MILLIS + 2_000;

    /**
     * One report written at a time: two at once would take each other's descriptors at the limit (the spare ones are
     * lent to one), and the exit must know that none is half written when it writes what is pending.
     */
    private final ReentrantLock writing = new ReentrantLock();

    /** Reports started and not yet written or given up on. */
    private final Set<Job> pending = ConcurrentHashMap.newKeySet();

    private void write(Job job) {
        String why = job.why();
        boolean lend = job.atTheLimit();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            writing.lock();
            try {
                if (job.done) {
                    return; // the exit wrote it
                }
                Throwable failed = attempt(job.suffix, why, lend);
                // a program thread took the descriptors first (it is at its limit, opening in a loop): the program may
                // free some; until then, every try costs one listing of /proc/self/fd
                if (failed == null || !DescriptorExhaustion.means(failed) || attempt == ATTEMPTS) {
                    finish(job);
                    if (failed != null) {
                        AgentLog.warn("jhtrace: could not write the report " + job.suffix + ": "
                                + AgentOptions.printable(String.valueOf(failed))
                                + (attempt > 1 ? " (tried " + attempt + " times)" : ""));
                    }
                    return;
                }
            } finally {
                writing.unlock();
            }
            lend = true; // it found no free descriptor: the spare ones from now on
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return; // still pending: the exit writes it
            }
        }
    }

    private Throwable attempt(String suffix, String why, boolean lend) {
        AgentOptions options = tracer.options();
        if (!lend) {
            return writeNow(options, suffix, why, null);
        }
        // the report needs a descriptor at a time (the listing, a socket table, the file) and the program has none:
        // the spare ones are lent for it (never the shutdown report's), and taken back after
        Throwable[] lent = {null};
        DescriptorReserve.lendSpare(() -> lent[0] = writeNow(options, suffix, why, null));
        return lent[0];
    }

    private void finish(Job job) {
        job.done = true;
        pending.remove(job);
    }

    /**
     * Writes the reports still waiting for a free descriptor, once each, at exit (the shutdown report's thread, after
     * it released its reserve and before it writes its own): a program that stayed at its limit to the end still gets
     * them, and none is lost with its daemon thread.
     */
    void writePendingAtExit() {
        for (Job job : pending) {
            boolean locked;
            try {
                locked = writing.tryLock(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (!locked) {
                AgentLog.warn(
                        "jhtrace: the report " + job.suffix + " was not written: another was still being written");
                return;
            }
            try {
                if (job.done) {
                    continue;
                }
                finish(job);
                Throwable failed = writeNow(
                        tracer.options(),
                        job.suffix,
                        job.why(),
                        "it was written at exit: until then no descriptor was free for it");
                if (failed != null) {
                    AgentLog.warn("jhtrace: could not write the report " + job.suffix + ": "
                            + AgentOptions.printable(String.valueOf(failed)));
                }
            } finally {
                writing.unlock();
            }
        }
    }

    /**
     * @param note a second warning for the report, or null
     * @return null once written, or why it could not be
     */
    private Throwable writeNow(AgentOptions options, String suffix, String why, String note) {
        try {
            if (options.reportPath() == null) {
                List<HandleView> open = tracer.openHandles(options.includeRuntime(), REPORT_TIMEOUT_MILLIS);
                if (open != null) {
                    AgentLog.warn("jhtrace: " + AgentOptions.printable(why) + "\n"
                            + ShutdownReporter.summary(ProcessInfo.pid(), open, "open now"));
                }
                return null;
            }
            LeakReportFile.Written w = LeakReportFile.write(tracer, options, suffix, r -> {
                LeakReport noted = note != null ? r.withWarning(note) : r;
                return noted.withWarning("this report was " + why);
            });
            if (w != null) {
                AgentLog.warn("jhtrace: report "
                        + AgentOptions.printable(w.path().toString()) + " " + AgentOptions.printable(why));
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
