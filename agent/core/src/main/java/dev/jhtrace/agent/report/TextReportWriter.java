package dev.jhtrace.agent.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link LeakReport} in the {@code !htrace} text form: a header naming the process, traces
 * separated by dashed lines, each headed {@code Handle 0x1C - OPEN:}, and the {@code Parsed}/{@code Dumped}
 * footer. Leaked handles opened from the same stack are shown once, with their count.
 */
public final class TextReportWriter {
    private static final String RULE = "--------------------------------------";

    private TextReportWriter() {
    }

    /**
     * @param r the report
     * @return its text form
     */
    public static String write(LeakReport r) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("Process 0x").append(Long.toHexString(r.pid()).toUpperCase()).append(" (pid ").append(r.pid()).append(") ")
                .append(r.command()).append('\n');
        sb.append("jhtrace report at ").append(Instant.ofEpochMilli(r.generatedAt())).append(", tracing since ")
                .append(Instant.ofEpochMilli(r.startedAt())).append('\n');
        Map<List<StackTraceElement>, List<HandleView>> groups = new LinkedHashMap<>();
        for (HandleView h : r.openHandles()) {
            groups.computeIfAbsent(h.stack(), k -> new ArrayList<>()).add(h);
        }
        sb.append(r.openHandles().size()).append(" handle(s) open, from ").append(groups.size()).append(" stack(s); ")
                .append(r.untraced().size()).append(" untraced; ").append(r.reclaimed().size()).append(" reclaimed by GC; ")
                .append(r.dropped()).append(" event(s) dropped\n");
        for (String w : r.warnings()) {
            sb.append("warning: ").append(w).append('\n');
        }
        for (Map.Entry<List<StackTraceElement>, List<HandleView>> g : groups.entrySet()) {
            List<HandleView> hs = g.getValue();
            HandleView first = hs.get(0);
            sb.append(RULE).append('\n');
            if (hs.size() > 1) {
                sb.append(hs.size()).append(" handles still open, opened from this stack:\n");
                for (HandleView h : hs) {
                    sb.append("  ").append(hex(h.handle())).append(' ').append(h.kind()).append(' ').append(h.description()).append('\n');
                }
            }
            sb.append("Handle ").append(hex(first.handle())).append(" - OPEN: ").append(first.kind()).append(' ')
                    .append(first.description()).append('\n');
            sb.append("Thread \"").append(first.thread()).append("\" at ").append(Instant.ofEpochMilli(first.openedAt())).append('\n');
            frames(sb, first.stack());
        }
        for (TraceView t : r.traces()) {
            sb.append(RULE).append('\n');
            sb.append("Handle ").append(t.handle() < 0 ? "?" : hex(t.handle())).append(" - ")
                    .append("BAD_REFERENCE".equals(t.type()) ? "BAD REFERENCE" : t.type()).append(": ").append(t.kind()).append(' ')
                    .append(t.description()).append('\n');
            sb.append("Thread \"").append(t.thread()).append("\" at ").append(Instant.ofEpochMilli(t.time())).append('\n');
            frames(sb, t.stack());
        }
        for (HandleView h : r.reclaimed()) {
            sb.append(RULE).append('\n');
            sb.append("Handle ").append(hex(h.handle())).append(" - OPEN (never closed; reclaimed by the GC): ").append(h.kind())
                    .append(' ').append(h.description()).append('\n');
            sb.append("Thread \"").append(h.thread()).append("\" at ").append(Instant.ofEpochMilli(h.openedAt())).append('\n');
            frames(sb, h.stack());
        }
        if (!r.untraced().isEmpty()) {
            sb.append(RULE).append('\n').append("Untraced open handles (no stack: open before tracing, or opened by code no hook sees):\n");
            for (UntracedView u : r.untraced()) {
                sb.append("  ").append(hex(u.handle())).append("  ").append(u.description()).append('\n');
            }
        }
        sb.append(RULE).append('\n');
        sb.append("Parsed 0x").append(Long.toHexString(r.parsed()).toUpperCase()).append(" stack traces.\n");
        sb.append("Dumped 0x").append(Long.toHexString(groups.size() + r.traces().size() + r.reclaimed().size()).toUpperCase())
                .append(" stack traces.\n");
        return sb.toString();
    }

    private static void frames(StringBuilder sb, List<StackTraceElement> stack) {
        for (StackTraceElement f : stack) {
            sb.append("    at ").append(f).append('\n');
        }
    }

    /**
     * @param handle a descriptor number
     * @return it in WinDbg's form, {@code 0x1C}
     */
    public static String hex(int handle) {
        return "0x" + Integer.toHexString(handle).toUpperCase();
    }
}
