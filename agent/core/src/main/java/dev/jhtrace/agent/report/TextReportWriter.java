package dev.jhtrace.agent.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link LeakReport} in the {@code !htrace} text form: a header naming the process, traces
 * separated by dashed lines, each headed {@code Handle 0x1C - OPEN:}, and the {@code Parsed}/{@code Dumped}
 * footer. Open handles opened from the same stack are shown once, with their count.
 */
public final class TextReportWriter {
    private static final String RULE = "--------------------------------------";

    private TextReportWriter() {}

    /**
     * The shutdown leak report.
     *
     * @param r the report
     * @return its text form
     */
    public static String write(LeakReport r) {
        StringBuilder sb = header(r);
        sb.append("jhtrace report at ")
                .append(Instant.ofEpochMilli(r.generatedAt()))
                .append(", tracing since ")
                .append(Instant.ofEpochMilli(r.startedAt()))
                .append('\n');
        sites(sb, LeakSites.of(r));
        int groups = openGroups(
                sb,
                r,
                " handle(s) open, from ",
                "; " + r.untraced().size() + " untraced; " + r.reclaimed().size() + " reclaimed by GC; " + r.dropped()
                        + " event(s) dropped" + accounting(r) + "\n");
        traces(sb, r.traces(), false);
        reclaimed(sb, r.reclaimed());
        untraced(
                sb,
                r.untraced(),
                "Untraced open handles (no stack: open before tracing, or opened by code no hook sees):");
        return footer(sb, r, groups + r.traces().size() + r.reclaimed().size());
    }

    /** The most sites a text report lists at its top; the rest are counted. */
    private static final int TOP_SITES = 10;

    /** The leak sites first, the most first: the answer before the detail. */
    private static void sites(StringBuilder sb, List<LeakSites.Site> sites) {
        if (sites.isEmpty()) {
            return;
        }
        int leaks = 0;
        for (LeakSites.Site s : sites) {
            leaks += s.count() + s.reclaimed();
        }
        sb.append("Leak sites (the program's innermost frame of each open stack): ")
                .append(leaks)
                .append(" leak(s) at ")
                .append(sites.size())
                .append(" site(s)\n");
        for (int i = 0; i < sites.size() && i < TOP_SITES; i++) {
            LeakSites.Site s = sites.get(i);
            sb.append(String.format(java.util.Locale.ROOT, "  %8d open %6d reclaimed  ", s.count(), s.reclaimed()))
                    .append(String.join(",", s.kinds()))
                    .append("  ")
                    .append(Escapes.printable(s.site()))
                    .append(s.stacks() > 1 ? " (" + s.stacks() + " stacks)" : "")
                    .append('\n');
        }
        if (sites.size() > TOP_SITES) {
            sb.append("  and ").append(sites.size() - TOP_SITES).append(" more site(s)\n");
        }
        sb.append(RULE).append('\n');
    }

    /**
     * The answer to {@code -diff}: handles opened since the last snapshot and still open.
     *
     * @param r a report built with the diff request
     * @return its text form
     */
    public static String writeDiff(LeakReport r) {
        StringBuilder sb = header(r);
        sites(sb, LeakSites.of(r));
        int groups = openGroups(
                sb,
                r,
                " handle(s) opened since the last snapshot and still open, from ",
                "; " + r.reclaimed().size() + " more reclaimed by GC; " + r.dropped() + " event(s) dropped"
                        + accounting(r) + "\n");
        reclaimed(sb, r.reclaimed());
        untraced(
                sb,
                r.untraced(),
                "Untraced handles opened since the snapshot (no stack: opened by code no hook sees):");
        return footer(sb, r, groups + r.reclaimed().size());
    }

    /**
     * The answer to {@code [Handle [Max_Traces]]}: traces, newest first.
     *
     * @param r      a report built with a traces request
     * @param handle the handle asked about, or 0 for all
     * @return its text form
     */
    public static String writeTraces(LeakReport r, int handle) {
        StringBuilder sb = header(r);
        if (handle == 0) {
            traces(sb, r.traces(), false);
            untraced(
                    sb,
                    r.untraced(),
                    "Open handles with no trace (open before tracing, or opened by code no hook sees):");
            return footer(sb, r, r.traces().size());
        }
        // one number can have had thousands of lives: say how many first, and print a repeated stack once
        java.util.Set<Long> lives = new java.util.HashSet<>();
        for (TraceView t : r.traces()) {
            lives.add(t.generation());
        }
        sb.append("Handle ")
                .append(hex(handle))
                .append(": ")
                .append(r.traces().size())
                .append(" trace(s) of ")
                .append(lives.size())
                .append(" life/lives of this number, newest first");
        if (!r.untraced().isEmpty()) {
            sb.append("; open now with no trace (")
                    .append(Escapes.printable(r.untraced().get(0).description()))
                    .append(')');
        }
        sb.append('\n');
        traces(sb, r.traces(), true);
        return footer(sb, r, r.traces().size());
    }

    private static StringBuilder header(LeakReport r) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("Process 0x")
                .append(Long.toHexString(r.pid()).toUpperCase())
                .append(" (pid ")
                .append(r.pid())
                .append(") ")
                .append(Escapes.printable(r.command()))
                .append('\n');
        for (String w : r.warnings()) {
            sb.append("warning: ").append(Escapes.printable(w)).append('\n');
        }
        return sb;
    }

    /** @return what else the counts line must say: lost, skipped and hidden handles, when there are any */
    private static String accounting(LeakReport r) {
        StringBuilder sb = new StringBuilder();
        if (r.lost() > 0) {
            sb.append("; ").append(r.lost()).append(" untraced whose events were dropped (marked lost)");
        }
        if (r.errors() > 0) {
            sb.append("; ").append(r.errors()).append(" event(s) unreadable and skipped");
        }
        if (r.evicted() > 0) {
            sb.append("; ").append(r.evicted()).append(" older trace(s) evicted (max=)");
        }
        if (r.hidden() > 0) {
            sb.append("; ").append(r.hidden()).append(" held by the JVM or jhtrace, not shown");
        }
        return sb.toString();
    }

    private static int openGroups(StringBuilder sb, LeakReport r, String countText, String tail) {
        Map<List<StackTraceElement>, List<HandleView>> groups = new LinkedHashMap<>();
        for (HandleView h : r.openHandles()) {
            groups.computeIfAbsent(h.stack(), k -> new ArrayList<>()).add(h);
        }
        sb.append(r.openHandles().size())
                .append(countText)
                .append(groups.size())
                .append(" stack(s)")
                .append(tail);
        for (List<HandleView> hs : groups.values()) {
            HandleView first = hs.get(0);
            sb.append(RULE).append('\n');
            if (hs.size() > 1) {
                sb.append(hs.size()).append(" handles still open, opened from this stack:\n");
                for (HandleView h : hs) {
                    sb.append("  ")
                            .append(hex(h.handle()))
                            .append(' ')
                            .append(h.kind())
                            .append(' ')
                            .append(Escapes.printable(h.description()))
                            .append('\n');
                }
            }
            entry(
                    sb,
                    first.handle(),
                    "OPEN",
                    first.kind(),
                    first.description(),
                    first.thread(),
                    first.openedAt(),
                    first.stack());
        }
        return groups.size();
    }

    private static void traces(StringBuilder sb, List<TraceView> traces, boolean stacksByReference) {
        Map<List<StackTraceElement>, Integer> shown = new java.util.HashMap<>();
        int number = 0;
        for (TraceView t : traces) {
            number++;
            sb.append(RULE).append('\n');
            Integer same = stacksByReference ? shown.putIfAbsent(t.stack(), number) : null;
            if (same == null) {
                entry(
                        sb,
                        t.handle(),
                        "BAD_REFERENCE".equals(t.type()) ? "BAD REFERENCE" : t.type(),
                        t.kind(),
                        t.description(),
                        t.thread(),
                        t.time(),
                        t.stack());
            } else {
                entry(
                        sb,
                        t.handle(),
                        "BAD_REFERENCE".equals(t.type()) ? "BAD REFERENCE" : t.type(),
                        t.kind(),
                        t.description(),
                        t.thread(),
                        t.time(),
                        List.of());
                sb.append("    (the same stack as trace ").append(same).append(" above)\n");
            }
            if (t.previousClose() != null) {
                sb.append("  Previously closed, by thread \"")
                        .append(Escapes.printable(t.previousClose().thread()))
                        .append("\" at ")
                        .append(Instant.ofEpochMilli(t.previousClose().time()))
                        .append(":\n");
                frames(sb, t.previousClose().stack(), "      at ");
            }
            if (t.opened() != null) {
                sb.append("  Originally opened, by thread \"")
                        .append(Escapes.printable(t.opened().thread()))
                        .append("\" at ")
                        .append(Instant.ofEpochMilli(t.opened().openedAt()))
                        .append(":\n");
                frames(sb, t.opened().stack(), "      at ");
            }
        }
    }

    private static void frames(StringBuilder sb, List<StackTraceElement> stack, String indent) {
        for (StackTraceElement f : stack) {
            // class loader, module and member names can hold control characters too
            sb.append(indent)
                    .append(Escapes.printable(NativeFrame.is(f) ? f.getMethodName() : f.toString()))
                    .append('\n');
        }
    }

    private static void reclaimed(StringBuilder sb, List<HandleView> reclaimed) {
        for (HandleView h : reclaimed) {
            sb.append(RULE).append('\n');
            entry(
                    sb,
                    h.handle(),
                    "OPEN (never closed; reclaimed by the GC)",
                    h.kind(),
                    h.description(),
                    h.thread(),
                    h.openedAt(),
                    h.stack());
        }
    }

    private static void entry(
            StringBuilder sb,
            int handle,
            String type,
            String kind,
            String description,
            String thread,
            long time,
            List<StackTraceElement> stack) {
        sb.append("Handle ")
                .append(handle < 0 ? "?" : hex(handle))
                .append(" - ")
                .append(type)
                .append(": ")
                .append(kind);
        if (description != null) {
            sb.append(' ').append(Escapes.printable(description));
        }
        sb.append('\n');
        sb.append("Thread \"")
                .append(Escapes.printable(thread))
                .append("\" at ")
                .append(Instant.ofEpochMilli(time))
                .append('\n');
        frames(sb, stack, "    at ");
    }

    private static void untraced(StringBuilder sb, List<UntracedView> untraced, String title) {
        if (!untraced.isEmpty()) {
            sb.append(RULE).append('\n').append(title).append('\n');
            for (UntracedView u : untraced) {
                sb.append("  ")
                        .append(hex(u.handle()))
                        .append("  ")
                        .append(Escapes.printable(u.description()))
                        .append(
                                u.lost()
                                        ? "  (lost: events for this number were dropped; it may have been opened while tracing)"
                                        : "")
                        .append('\n');
            }
        }
    }

    private static String footer(StringBuilder sb, LeakReport r, long dumped) {
        sb.append(RULE).append('\n');
        sb.append("Parsed 0x")
                .append(Long.toHexString(r.parsed()).toUpperCase())
                .append(" stack traces.\n");
        sb.append("Dumped 0x").append(Long.toHexString(dumped).toUpperCase()).append(" stack traces.\n");
        return sb.toString();
    }

    /**
     * @param handle a descriptor number
     * @return it in WinDbg's form, {@code 0x1C}
     */
    public static String hex(int handle) {
        return "0x" + Integer.toHexString(handle).toUpperCase();
    }
}
