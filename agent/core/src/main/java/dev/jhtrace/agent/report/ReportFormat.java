package dev.jhtrace.agent.report;

import java.util.Locale;

/** A report's format: its option name ({@code format=}, {@code --format}), the file names it is chosen by, its writer. */
public enum ReportFormat {
    /** The {@code !htrace} text form (docs/report-formats.md). */
    TXT("txt") {
        @Override
        public String write(LeakReport r) {
            return TextReportWriter.write(r, false);
        }

        @Override
        public String write(LeakReport r, boolean everything) {
            return TextReportWriter.write(r, everything);
        }
    },
    /** The JSON report, the contract tools read. */
    JSON("json", ".json") {
        @Override
        public String write(LeakReport r) {
            return JsonReportWriter.write(r);
        }
    },
    /** A page for a browser. */
    HTML("html", ".html", ".htm") {
        @Override
        public String write(LeakReport r) {
            return HtmlReportWriter.write(r);
        }
    },
    /** Collapsed stacks ({@code frame;frame;frame count}) for flamegraph.pl and speedscope. */
    COLLAPSED("collapsed", ".collapsed", ".folded") {
        @Override
        public String write(LeakReport r) {
            return CollapsedStacksWriter.write(r);
        }
    };

    private final String option;
    private final String[] extensions;

    ReportFormat(String option, String... extensions) {
        this.option = option;
        this.extensions = extensions;
    }

    /**
     * @param r a report
     * @return it in this format
     */
    public abstract String write(LeakReport r);

    /**
     * @param r          a report
     * @param everything list what a format may summarise (the text's untraced jars and JDK files), as {@code
     *                   internal=true} asks
     * @return it in this format
     */
    public String write(LeakReport r, boolean everything) {
        return write(r);
    }

    /** @return the name options and commands give it */
    public String option() {
        return option;
    }

    /**
     * @param name a format's name, any case ({@code text} is {@code txt}'s other name, as {@code --format} has it)
     * @return the format, or null for an unknown name
     */
    public static ReportFormat named(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ReportFormat f : values()) {
            if (f.option.equals(n)) {
                return f;
            }
        }
        return n.equals("text") ? TXT : null;
    }

    /**
     * @param path a report path
     * @return the format its extension names, text for any other
     */
    public static ReportFormat of(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (ReportFormat f : values()) {
            for (String e : f.extensions) {
                if (lower.endsWith(e)) {
                    return f;
                }
            }
        }
        return TXT;
    }
}
