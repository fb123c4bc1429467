package dev.jhtrace.agent.report;

/** Writes a {@link LeakReport} as a self-contained HTML page around its text form. */
public final class HtmlReportWriter {
    private HtmlReportWriter() {}

    /**
     * @param r the report
     * @return the page
     */
    public static String write(LeakReport r) {
        String text = TextReportWriter.write(r)
                .replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>jhtrace report, pid " + r.pid()
                + "</title></head>\n<body><h1>jhtrace report, pid " + r.pid() + "</h1>\n<pre>" + text
                + "</pre></body></html>\n";
    }
}
