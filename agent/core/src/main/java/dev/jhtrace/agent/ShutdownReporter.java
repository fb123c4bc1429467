package dev.jhtrace.agent;

import dev.jhtrace.agent.jni.NativeHooks;
import dev.jhtrace.agent.jni.WalkerCheck;
import dev.jhtrace.agent.os.DescriptorReserve;
import dev.jhtrace.agent.os.ProcessInfo;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.LeakSites;
import dev.jhtrace.agent.report.TextReportWriter;
import java.util.List;

/**
 * Writes the leak report when the JVM shuts down: to {@code report=PATH} if given, otherwise a short
 * summary on stderr, and only when the program leaked.
 */
final class ShutdownReporter implements Runnable {
    private static final long REPORT_TIMEOUT_MILLIS = LeakReportFile.REPORT_TIMEOUT_MILLIS;

    private final Tracer tracer;

    ShutdownReporter(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Registers this reporter as a shutdown hook on an agent thread. */
    void register() {
        Thread t = new Thread(AgentThreads.wrap(this), "jhtrace-shutdown-report");
        Runtime.getRuntime().addShutdownHook(t);
    }

    @Override
    public void run() {
        AgentOptions options = tracer.options(); // a later -enable may have set or changed report=
        DescriptorReserve.release(); // a program that ran out of descriptors still gets its report
        tracer.writePendingAutoReports(); // and those that waited in vain for a free descriptor, before it
        try {
            if (options.walker() == WalkerMode.CHECK && NativeHooks.loaded) {
                String summary = WalkerCheck.summary();
                AgentLog.warn(summary);
                tracer.warn(summary); // and in the report, for runs whose stderr is not kept
            }
            if (options.reportPath() != null) {
                try {
                    writeReport(options);
                    return;
                } catch (Throwable t) {
                    AgentLog.warn(
                            "jhtrace: could not write the leak report: " + AgentOptions.printable(String.valueOf(t)));
                }
            }
            summarize(options); // without a report file, or when it could not be written: nothing is lost
        } catch (Throwable t) {
            AgentLog.warn("jhtrace: could not write the leak summary: " + AgentOptions.printable(String.valueOf(t)));
        } finally {
            tracer.saveHookCache(); // after the report: the program's exit waits for this only in a run that learnt
        }
    }

    private void writeReport(AgentOptions options) throws java.io.IOException {
        LeakReportFile.Written w =
                LeakReportFile.write(tracer, options, null, new WithoutYounger(options.minAgeMillis()));
        if (w != null && (w.report().dropped() > 0 || w.report().errors() > 0)) {
            LeakReport r = w.report();
            // a report read by a tool may never be opened by a person: stderr says it too
            AgentLog.warn("jhtrace: " + r.dropped() + " event(s) were dropped (the ring was full) and " + r.errors()
                    + " skipped; the report " + AgentOptions.printable(w.path().toString()) + " lists the " + r.lost()
                    + " open handle(s) it cannot vouch for as lost");
        }
    }

    /**
     * The report at exit without the handles younger than {@code min-age=}. A class, not a lambda: every lambda is a
     * class spun at run time with the JDK's ASM, cold, and every JVM's exit runs this.
     */
    private static final class WithoutYounger implements java.util.function.UnaryOperator<LeakReport> {
        private final long minAgeMillis;

        WithoutYounger(long minAgeMillis) {
            this.minAgeMillis = minAgeMillis;
        }

        @Override
        public LeakReport apply(LeakReport r) {
            return r.withoutYoungerThan(minAgeMillis);
        }
    }

    /** Without a report file: a few lines on stderr when something leaked, nothing at all otherwise. */
    private void summarize(AgentOptions options) {
        // only the open handles, not a whole report: every JVM exit pays for this look
        List<HandleView> all = tracer.openHandles(options.includeRuntime(), REPORT_TIMEOUT_MILLIS);
        List<HandleView> leaks =
                all == null ? null : LeakReport.olderThan(all, System.currentTimeMillis(), options.minAgeMillis());
        if (leaks == null) {
            AgentLog.warn(
                    "jhtrace: the analyzer did not answer within " + REPORT_TIMEOUT_MILLIS + " ms; no leak summary");
        } else if (!leaks.isEmpty()) {
            AgentLog.warn(summary(ProcessInfo.pid(), leaks, "still open at exit"));
            tracer.checkHooks(); // a hook missing in this JDK would explain handles missing from the summary
        }
        long dropped = tracer.dropped();
        if (dropped > 0) {
            AgentLog.warn(
                    "jhtrace: " + dropped + " event(s) were dropped (the ring was full): handles whose events were lost"
                            + " are left out of this summary");
        }
    }

    /**
     * @param pid  this process
     * @param open the handles still open
     * @param when {@code still open at exit}, or what else they are
     * @return a few lines: how many handles leaked, and where the first few were opened
     */
    static String summary(long pid, List<HandleView> open, String when) {
        StringBuilder sb = new StringBuilder();
        sb.append("jhtrace: ")
                .append(open.size())
                .append(" handle(s) ")
                .append(when)
                .append(" (pid ")
                .append(pid)
                .append("); add report=leaks.txt to the agent options for full stacks");
        // the sites first: one line reached by many paths is one entry, however many handles it leaked
        List<LeakSites.Site> sites = LeakSites.of(open, List.of());
        sb.append("\n  leak sites:");
        for (int i = 0; i < sites.size() && i < 5; i++) {
            sb.append(i == 0 ? " " : "; ")
                    .append(sites.get(i).count())
                    .append(" at ")
                    .append(AgentOptions.printable(sites.get(i).site()));
        }
        if (sites.size() > 5) {
            sb.append("; and ").append(sites.size() - 5).append(" more site(s)");
        }
        int shown = 0;
        for (HandleView h : open) {
            if (shown++ == 10) {
                sb.append("\n  ...");
                break;
            }
            sb.append("\n  ")
                    .append(TextReportWriter.hex(h.handle()))
                    .append(' ')
                    .append(h.kind())
                    .append(' ')
                    .append(AgentOptions.printable(String.valueOf(h.description())))
                    .append(" opened at ")
                    .append(AgentOptions.printable(LeakSites.siteOf(h.stack())));
        }
        return sb.toString();
    }
}
