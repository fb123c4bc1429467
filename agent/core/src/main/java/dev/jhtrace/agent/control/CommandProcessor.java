package dev.jhtrace.agent.control;

import dev.jhtrace.agent.AgentOptions;
import dev.jhtrace.agent.ReportRequest;
import dev.jhtrace.agent.Tracer;
import dev.jhtrace.agent.os.ProcFds;
import dev.jhtrace.agent.os.ProcessInfo;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.ReportFormat;
import dev.jhtrace.agent.report.TextReportWriter;

/**
 * Carries out {@code !htrace} commands in the target JVM, for the control channel and the MBean alike.
 * State is touched only on the analyzer thread (through {@link Tracer#onAnalyzer}), so a snapshot or a diff
 * is exact with respect to the events published before the command.
 */
public final class CommandProcessor {
    private static final long TIMEOUT_MILLIS = 10_000;

    private final Tracer tracer;

    /** @param tracer the running agent the commands act on */
    public CommandProcessor(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The outcome of a command: the text to show, or the reason it failed. */
    record Result(boolean ok, String text) {}

    /**
     * An expected refusal (bad options, tracing off, no answer in time), thrown where it is found and turned into a
     * {@code Result(false, reason)} by {@link #execute}: every way a command fails reaches the user the same way.
     */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * @param command the command
     * @return what to show the user: its answer, or why it was refused
     */
    Result execute(HtraceCommand command) {
        try {
            return run(command);
        } catch (Refused r) {
            return new Result(false, r.getMessage());
        } catch (java.io.UncheckedIOException noDescriptor) {
            return new Result(false, noDescriptor.getMessage()); // a report that cannot see the OS's table is none
        }
    }

    private Result run(HtraceCommand command) {
        long pid = ProcessInfo.pid();
        String process = "Process 0x" + Long.toHexString(pid).toUpperCase() + " (pid " + pid + ")";
        switch (command.op()) {
            case ENABLE -> {
                String changes = changeOptions(command.options());
                tracer.capture().setEnabled(true);
                java.util.Set<Integer> os =
                        ProcFds.list(ProcFds.self()).keySet(); // before the command: see Tracer.report
                int[] counts = onAnalyzer(() -> {
                    if (command.maxTraces() >= 0) {
                        tracer.analyzer().setMaxTraces(command.maxTraces());
                    }
                    int[] snap = tracer.analyzer().takeSnapshot(os);
                    return new int[] {snap[0], snap[1], tracer.analyzer().maxTraces()};
                });
                return status(
                        command,
                        process,
                        "handle tracing enabled, Max_Traces 0x"
                                + Integer.toHexString(counts[2]).toUpperCase() + "; snapshot taken: " + counts[0]
                                + " traced and " + counts[1] + " untraced handle(s) open" + changes,
                        true,
                        counts);
            }
            case SNAPSHOT -> {
                requireEnabled();
                java.util.Set<Integer> os = ProcFds.list(ProcFds.self()).keySet();
                int[] snap = onAnalyzer(() -> tracer.analyzer().takeSnapshot(os));
                return status(
                        command,
                        process,
                        "snapshot taken: " + snap[0] + " traced and " + snap[1] + " untraced handle(s) open",
                        true,
                        new int[] {snap[0], snap[1], -1});
            }
            case DISABLE -> {
                tracer.capture().setEnabled(false);
                onAnalyzer(() -> {
                    tracer.analyzer().clear();
                    return Boolean.TRUE;
                });
                return status(command, process, "handle tracing disabled; trace database freed", false, null);
            }
            case STATUS -> {
                boolean on = tracer.capture().isEnabled();
                int[] counts = onAnalyzer(() -> new int[] {
                    tracer.analyzer().traceCount(), tracer.analyzer().maxTraces()
                });
                return status(
                        command,
                        process,
                        "handle tracing " + (on ? "enabled" : "disabled") + ", " + counts[0] + " trace(s) held",
                        on,
                        null);
            }
            case DIFF -> {
                requireEnabled();
                LeakReport r = tracer.report(ReportRequest.diff(false), TIMEOUT_MILLIS);
                return report(r, command, r == null ? null : TextReportWriter.writeDiff(r));
            }
            case TRACES -> {
                requireEnabled();
                LeakReport r =
                        tracer.report(ReportRequest.traces(command.handle(), command.maxTraces()), TIMEOUT_MILLIS);
                return report(r, command, r == null ? null : TextReportWriter.writeTraces(r, command.handle()));
            }
            default -> throw new IllegalStateException(command.op().name());
        }
    }

    /**
     * Applies a later {@code -enable}'s agent options: those that may change at run time change, the others are named.
     *
     * @return sentences to add to the answer ("" when there is nothing to say)
     */
    private String changeOptions(String text) {
        if (text.isEmpty()) {
            return "";
        }
        AgentOptions.Change change;
        try {
            change = AgentOptions.change(tracer.options(), text);
        } catch (AgentOptions.BadOption e) {
            throw new Refused("bad agent option: " + e.getMessage());
        }
        String problem = change.merged().reportPath() == null
                ? null
                : dev.jhtrace.agent.report.ReportFile.checkPattern(
                        change.merged().reportPath(), ProcessInfo.pid());
        if (problem != null) {
            throw new Refused("report=" + AgentOptions.printable(change.merged().reportPath()) + ": " + problem);
        }
        tracer.setOptions(change.merged());
        StringBuilder sb = new StringBuilder();
        if (change.merged().reportPath() != null) {
            sb.append("; the leak report goes to ")
                    .append(AgentOptions.printable(change.merged().reportPath()))
                    .append(" at exit");
        }
        for (String fixed : change.fixed()) {
            sb.append(";\n  ").append(fixed);
        }
        return sb.toString();
    }

    private void requireEnabled() {
        if (!tracer.capture().isEnabled()) {
            throw new Refused("handle tracing is disabled in this process; run -enable first");
        }
    }

    private static String noAnswer() {
        return "the analyzer did not answer within " + TIMEOUT_MILLIS + " ms";
    }

    private <T> T onAnalyzer(java.util.function.Supplier<T> task) {
        T result = tracer.onAnalyzer(task, TIMEOUT_MILLIS);
        if (result == null) {
            throw new Refused(noAnswer());
        }
        return result;
    }

    private static Result report(LeakReport r, HtraceCommand command, String text) {
        if (r == null) {
            throw new Refused(noAnswer());
        }
        return new Result(
                true,
                command.format() == ReportFormat.TXT ? text : command.format().write(r));
    }

    private static Result status(HtraceCommand command, String process, String text, boolean enabled, int[] counts) {
        if (command.format() != ReportFormat.JSON) {
            return new Result(true, process + ": " + text + ".\n");
        }
        StringBuilder sb = new StringBuilder("{\"pid\":")
                .append(ProcessInfo.pid())
                .append(",\"enabled\":")
                .append(enabled);
        if (counts != null) {
            sb.append(",\"snapshot\":{\"traced\":")
                    .append(counts[0])
                    .append(",\"untraced\":")
                    .append(counts[1])
                    .append('}');
            if (counts[2] >= 0) {
                sb.append(",\"maxTraces\":").append(counts[2]);
            }
        }
        return new Result(true, sb.append("}\n").toString());
    }
}
