package dev.jhtrace.agent;

import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.ReportFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Builds the leak report {@code report=} asks for and writes it: the one way of the shutdown report and of the
 * automatic reports, so that they agree on what a report holds (the traces {@code traces=} keeps, the JVM's own with
 * {@code internal=true}), its format and how its file is made ({@link ReportFile}).
 */
final class LeakReportFile {
    /** The longest a report waits for the analyzer's copy of its state. */
    static final long REPORT_TIMEOUT_MILLIS = 10_000;

    /**
     * A report written.
     *
     * @param path   where
     * @param report what, after the caller's changes
     */
    record Written(Path path, LeakReport report) {}

    private LeakReportFile() {}

    /**
     * @param tracer  the running agent
     * @param options the options in force ({@code report=} set)
     * @param suffix  {@code threshold} or {@code emfile} for a file beside the shutdown report's, null for that one
     * @param change  what the caller adds to or leaves out of the report (warnings, {@code minage=})
     * @return the report written, or null when the analyzer did not answer in time (said on stderr)
     * @throws IOException when the file cannot be written
     */
    static Written write(Tracer tracer, AgentOptions options, String suffix, UnaryOperator<LeakReport> change)
            throws IOException {
        TraceFilter which = options.traces();
        LeakReport r = tracer.report(ReportRequest.leaks(options.includeRuntime(), which), REPORT_TIMEOUT_MILLIS);
        if (r == null) {
            AgentLog.warn("jhtrace: the analyzer did not answer within " + REPORT_TIMEOUT_MILLIS + " ms; no report "
                    + (suffix != null ? suffix : "written"));
            return null;
        }
        r = change.apply(r);
        Path path = ReportFile.expand(options.reportPath(), r.pid());
        if (suffix != null) {
            path = beside(path, suffix);
        }
        ReportFile.write(path, options.format().write(r, options.includeRuntime()), r.pid());
        return new Written(path, r);
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
