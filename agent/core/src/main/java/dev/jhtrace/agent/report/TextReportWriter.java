package dev.jhtrace.agent.report;

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
        return write(r, false);
    }

    /**
     * The shutdown leak report.
     *
     * @param r                 the report
     * @param listEveryUntraced list each untraced jar and JDK file, never summarise them ({@code internal=true})
     * @return its text form
     */
    public static String write(LeakReport r, boolean listEveryUntraced) {
        StringBuilder sb = header(r);
        sb.append("jhtrace report at ")
                .append(IsoTime.of(r.generatedAt()))
                .append(", tracing since ")
                .append(IsoTime.of(r.startedAt()))
                .append('\n');
        sites(sb, LeakSites.of(r));
        int groups = openGroups(
                sb,
                r,
                " handle(s) open, from ",
                "; " + r.untraced().size() + " untraced; " + r.reclaimed().size() + " reclaimed by GC; " + r.dropped()
                        + " event(s) dropped" + accounting(r) + "\n");
        traces(sb, r.traces(), false);
        int reclaimedStacks = reclaimed(sb, r.reclaimed());
        untraced(
                sb,
                r.untraced(),
                "Untraced open handles (no stack: open before tracing, or opened by code no hook sees):",
                listEveryUntraced);
        return footer(sb, r, groups + r.traces().size() + reclaimedStacks);
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
        return writeOpenedSince(r, "the last snapshot");
    }

    /**
     * Handles opened since a moment and still open, as {@code -diff} lists them.
     *
     * @param r     a report of those handles
     * @param since the moment, for the count line ("the last snapshot", "test FooTest.bar() started")
     * @return its text form
     */
    public static String writeOpenedSince(LeakReport r, String since) {
        StringBuilder sb = header(r);
        sites(sb, LeakSites.of(r));
        int groups = openGroups(
                sb,
                r,
                " handle(s) opened since " + since + " and still open, from ",
                "; " + r.reclaimed().size() + " more reclaimed by GC; " + r.dropped() + " event(s) dropped"
                        + accounting(r) + "\n");
        int reclaimedStacks = reclaimed(sb, r.reclaimed());
        untraced(
                sb,
                r.untraced(),
                "Untraced handles opened since " + since + " (no stack: opened by code no hook sees):");
        return footer(sb, r, groups + reclaimedStacks);
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
        if (r.suppressed() > 0) {
            sb.append("; ").append(r.suppressed()).append(" leak(s) suppressed (suppress=)");
        }
        if (r.hidden() > 0) {
            sb.append("; ")
                    .append(r.hidden())
                    .append(" held by the JVM itself or jhtrace, not shown (internal=true shows the JVM's)");
        }
        return sb.toString();
    }

    /** The most handles listed under one stack; the rest are counted ("and N more"). */
    static final int HANDLES_PER_STACK = 10;

    /**
     * Open handles by leak site, the most first, and under each site by open stack: a site's header, then each stack
     * once with the handles opened from it (the first {@value #HANDLES_PER_STACK}, the rest counted).
     *
     * @return how many stacks were printed
     */
    private static int openGroups(StringBuilder sb, LeakReport r, String countText, String tail) {
        Map<String, Map<List<StackTraceElement>, List<HandleView>>> bySite = bySiteAndStack(r.openHandles());
        int stacks = 0;
        for (Map<List<StackTraceElement>, List<HandleView>> s : bySite.values()) {
            stacks += s.size();
        }
        sb.append(r.openHandles().size())
                .append(countText)
                .append(stacks)
                .append(" stack(s)")
                .append(tail);
        for (Map.Entry<String, Map<List<StackTraceElement>, List<HandleView>>> site : bySite.entrySet()) {
            if (bySite.size() > 1 || site.getValue().size() > 1) {
                siteHeader(sb, site.getKey(), site.getValue(), "open");
            }
            for (List<HandleView> hs : site.getValue().values()) {
                sb.append(RULE).append('\n');
                handleList(sb, hs, " handles still open, opened from this stack:\n");
                HandleView first = hs.get(0);
                entry(sb, first, "OPEN");
            }
        }
        return stacks;
    }

    /** Entries of a site's stacks (or of the sites themselves) by how many handles each holds, the most first. */
    private static final class MostHandlesFirst<K, V> implements java.util.Comparator<Map.Entry<K, V>> {
        private final boolean sites;

        /** @param sites whether the values are a site's stacks ({@code Map}s) rather than handle lists */
        MostHandlesFirst(boolean sites) {
            this.sites = sites;
        }

        @Override
        public int compare(Map.Entry<K, V> a, Map.Entry<K, V> b) {
            return Integer.compare(handles(b.getValue()), handles(a.getValue()));
        }

        @SuppressWarnings("unchecked")
        private int handles(V value) {
            return sites ? count((Map<List<StackTraceElement>, List<HandleView>>) value) : ((List<?>) value).size();
        }
    }

    /** @return handles by leak site (the most first) and by open stack under each (the most first) */
    static Map<String, Map<List<StackTraceElement>, List<HandleView>>> bySiteAndStack(List<HandleView> hs) {
        // no lambda here: each is a class spun at run time, and the report at exit comes here (CONTRIBUTING.md)
        Map<String, Map<List<StackTraceElement>, List<HandleView>>> bySite = new LinkedHashMap<>();
        for (HandleView h : hs) {
            String site = LeakSites.siteOf(h.stack());
            Map<List<StackTraceElement>, List<HandleView>> byStack = bySite.get(site);
            if (byStack == null) {
                byStack = new LinkedHashMap<>();
                bySite.put(site, byStack);
            }
            List<HandleView> same = byStack.get(h.stack());
            if (same == null) {
                same = new ArrayList<>();
                byStack.put(h.stack(), same);
            }
            same.add(h);
        }
        List<Map.Entry<String, Map<List<StackTraceElement>, List<HandleView>>>> sites =
                new ArrayList<>(bySite.entrySet());
        sites.sort(new MostHandlesFirst<String, Map<List<StackTraceElement>, List<HandleView>>>(true));
        Map<String, Map<List<StackTraceElement>, List<HandleView>>> sorted = new LinkedHashMap<>();
        for (Map.Entry<String, Map<List<StackTraceElement>, List<HandleView>>> e : sites) {
            List<Map.Entry<List<StackTraceElement>, List<HandleView>>> stacks =
                    new ArrayList<>(e.getValue().entrySet());
            stacks.sort(new MostHandlesFirst<List<StackTraceElement>, List<HandleView>>(false));
            Map<List<StackTraceElement>, List<HandleView>> byStack = new LinkedHashMap<>();
            for (Map.Entry<List<StackTraceElement>, List<HandleView>> st : stacks) {
                byStack.put(st.getKey(), st.getValue());
            }
            sorted.put(e.getKey(), byStack);
        }
        return sorted;
    }

    private static int count(Map<List<StackTraceElement>, List<HandleView>> byStack) {
        int n = 0;
        for (List<HandleView> hs : byStack.values()) {
            n += hs.size();
        }
        return n;
    }

    /** A site's line before its stacks: how many, of which kinds, opened when, under how many stacks. */
    private static void siteHeader(
            StringBuilder sb, String site, Map<List<StackTraceElement>, List<HandleView>> byStack, String what) {
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (List<HandleView> hs : byStack.values()) {
            for (HandleView h : hs) {
                kinds.add(String.valueOf(h.kind()));
                oldest = Math.min(oldest, h.openedAt());
                newest = Math.max(newest, h.openedAt());
            }
        }
        sb.append(RULE)
                .append('\n')
                .append("Site ")
                .append(Escapes.printable(site))
                .append(": ")
                .append(count(byStack))
                .append(' ')
                .append(what)
                .append(" (")
                .append(String.join(",", kinds))
                .append("), opened ")
                .append(
                        oldest == newest
                                ? "at " + IsoTime.of(oldest)
                                : "from " + IsoTime.of(oldest) + " to " + IsoTime.of(newest))
                .append(", from ")
                .append(byStack.size())
                .append(" stack(s)\n");
    }

    /** The handles opened from one stack: all of them up to {@value #HANDLES_PER_STACK}, then a count. */
    private static void handleList(StringBuilder sb, List<HandleView> hs, String title) {
        if (hs.size() < 2) {
            return;
        }
        sb.append(hs.size()).append(title);
        for (int i = 0; i < hs.size() && i < HANDLES_PER_STACK; i++) {
            HandleView h = hs.get(i);
            sb.append("  ")
                    .append(hex(h.handle()))
                    .append(' ')
                    .append(h.kind())
                    .append(' ')
                    .append(Escapes.printable(h.description()))
                    .append('\n');
        }
        if (hs.size() > HANDLES_PER_STACK) {
            sb.append("  and ").append(hs.size() - HANDLES_PER_STACK).append(" more\n");
        }
    }

    private static void entry(StringBuilder sb, HandleView h, String type) {
        entry(sb, h.handle(), type, h.kind(), h.description(), h.thread(), h.openedAt(), h.stack());
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
                        .append(IsoTime.of(t.previousClose().time()))
                        .append(":\n");
                frames(sb, t.previousClose().stack(), "      at ");
            }
            if (t.opened() != null) {
                sb.append("  Originally opened, by thread \"")
                        .append(Escapes.printable(t.opened().thread()))
                        .append("\" at ")
                        .append(IsoTime.of(t.opened().openedAt()))
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

    /**
     * Handles the GC reclaimed, grouped as open ones are: by site, then by open stack, each stack once.
     *
     * @return how many stacks were printed
     */
    private static int reclaimed(StringBuilder sb, List<HandleView> reclaimed) {
        int stacks = 0;
        Map<String, Map<List<StackTraceElement>, List<HandleView>>> bySite = bySiteAndStack(reclaimed);
        for (Map.Entry<String, Map<List<StackTraceElement>, List<HandleView>>> site : bySite.entrySet()) {
            if (bySite.size() > 1 || site.getValue().size() > 1) {
                siteHeader(sb, site.getKey(), site.getValue(), "reclaimed by the GC");
            }
            for (List<HandleView> hs : site.getValue().values()) {
                stacks++;
                sb.append(RULE).append('\n');
                handleList(sb, hs, " handles never closed and reclaimed by the GC, opened from this stack:\n");
                entry(sb, hs.get(0), "OPEN (never closed; reclaimed by the GC)");
            }
        }
        return stacks;
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
                .append(IsoTime.of(time))
                .append('\n');
        frames(sb, stack, "    at ");
    }

    /** Untraced class path jars and runtime files listed one by one up to this many; more are summarised. */
    private static final int JARS_LISTED = 3;

    private static void untraced(StringBuilder sb, List<UntracedView> untraced, String title) {
        untraced(sb, untraced, title, false);
    }

    private static void untraced(StringBuilder sb, List<UntracedView> untraced, String title, boolean listAll) {
        if (untraced.isEmpty()) {
            return;
        }
        sb.append(RULE).append('\n').append(title).append('\n');
        // the class path's jars and the runtime image, open since before the agent started: counted, not listed, when
        // there are many (the JSON form lists each); a lost entry is always listed
        List<UntracedView> runtimeFiles = new ArrayList<>();
        for (UntracedView u : untraced) {
            if (!u.lost() && isRuntimeFile(u.description())) {
                runtimeFiles.add(u);
            }
        }
        boolean summarise = !listAll && runtimeFiles.size() > JARS_LISTED;
        for (UntracedView u : untraced) {
            if (summarise && runtimeFiles.contains(u)) {
                continue;
            }
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
        if (summarise) {
            sb.append("  ")
                    .append(runtimeFiles.size())
                    .append(" jar and runtime files (the class path's and the JDK's), such as ");
            for (int i = 0; i < JARS_LISTED; i++) {
                sb.append(i == 0 ? "" : ", ")
                        .append(Escapes.printable(runtimeFiles.get(i).description()));
            }
            sb.append("; internal=true and the JSON form list each\n");
        }
    }

    /** @return whether an untraced descriptor is a jar, or a file of the JDK's (its runtime image, its jars) */
    private static boolean isRuntimeFile(String description) {
        if (description == null || !description.startsWith("/")) {
            return false;
        }
        String home = System.getProperty("java.home");
        return description.endsWith(".jar") || home != null && description.startsWith(home + "/");
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
