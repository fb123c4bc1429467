package dev.jhtrace.agent.testing;

import dev.jhtrace.agent.ReportRequest;
import dev.jhtrace.agent.Tracer;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.LeakSites;
import dev.jhtrace.agent.report.Suppressions;
import dev.jhtrace.agent.report.TextReportWriter;
import dev.jhtrace.bootstrap.LeakChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the JUnit 5 extension asks of the agent ({@link LeakChecks}): the handles a test opened and left open, or
 * dropped for the GC to close, as the {@code !htrace} text of {@code -diff} with the test's own line first.
 *
 * <p>A mark is a time on the events' clock, not the agent's one snapshot: tests, test classes and the whole-run
 * listener each keep their own marks, and none disturbs a {@code -snapshot} a person took with the CLI.
 */
public final class TestLeakChecks implements LeakChecks.Provider {
    private static final long TIMEOUT_MILLIS = 10_000;

    private final Tracer tracer;

    /** @param tracer the running agent */
    public TestLeakChecks(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public long mark() {
        return System.nanoTime();
    }

    @Override
    public Object[] leaksSince(long mark, String[] suppress, String title, String testClass) {
        if (!tracer.capture().isEnabled()) {
            // a verdict of nothing leaked would be a lie: nothing was traced
            return new Object[] {-1, -1, "tracing is disabled in this JVM (jhtrace -disable, or disable at start)"};
        }
        Suppressions accepted;
        try {
            accepted = Suppressions.parse(
                    "the test's suppress patterns", suppress != null ? List.of(suppress) : List.of());
        } catch (IllegalArgumentException e) {
            return new Object[] {-2, -2, String.valueOf(e.getMessage())};
        }
        try {
            LeakReport r = tracer.report(ReportRequest.openedSince(mark), TIMEOUT_MILLIS);
            if (r == null) {
                return new Object[] {-1, -1, "the agent's analyzer did not answer within " + TIMEOUT_MILLIS + " ms"};
            }
            List<HandleView> open = kept(r.openHandles(), accepted, testClass);
            List<HandleView> reclaimed = kept(r.reclaimed(), accepted, testClass);
            if (open.isEmpty() && reclaimed.isEmpty()) {
                return new Object[] {0, 0, ""};
            }
            LeakReport leaks = r.withOnly(open, reclaimed);
            String text = headline(open, reclaimed, title, testClass)
                    + withoutHeaderAndFooter(TextReportWriter.writeOpenedSince(leaks, title + " started"));
            return new Object[] {open.size(), reclaimed.size(), text};
        } catch (RuntimeException e) {
            return new Object[] {-1, -1, "the agent could not tell: " + e};
        }
    }

    /** The handles no pattern accepts, their stacks ending at the test's outermost frame. */
    private static List<HandleView> kept(List<HandleView> handles, Suppressions accepted, String testClass) {
        List<HandleView> kept = new ArrayList<>();
        for (HandleView h : handles) {
            if (!accepted.suppresses(h.description(), h.stack())) {
                kept.add(new HandleView(
                        h.handle(),
                        h.generation(),
                        h.kind(),
                        h.description(),
                        h.thread(),
                        h.openedAt(),
                        upToTheTest(h.stack(), testClass)));
            }
        }
        return kept;
    }

    /** A stack without the frames below the test's own (the test framework's and the build tool's: 60 of them). */
    static List<StackTraceElement> upToTheTest(List<StackTraceElement> stack, String testClass) {
        for (int i = stack.size() - 1; i >= 0 && testClass != null; i--) {
            if (isTestFrame(stack.get(i), testClass)) {
                return stack.subList(0, i + 1);
            }
        }
        return stack;
    }

    private static boolean isTestFrame(StackTraceElement f, String testClass) {
        return f.getClassName().equals(testClass) || f.getClassName().startsWith(testClass + "$");
    }

    /** The report text without its first line (the process and its command line) and its trace counts. */
    static String withoutHeaderAndFooter(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.startsWith("Process 0x") && !line.startsWith("Parsed 0x") && !line.startsWith("Dumped 0x")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString().strip() + "\n";
    }

    /**
     * One line per leak site, the most first: its counts, the site, and the test's own innermost frame in its stacks
     * when the site is elsewhere (a leak in the code under test, opened from the test's line).
     */
    static String headline(List<HandleView> open, List<HandleView> reclaimed, String title, String testClass) {
        Map<String, String> testFrames = new LinkedHashMap<>();
        for (List<HandleView> list : List.of(open, reclaimed)) {
            for (HandleView h : list) {
                testFrames.putIfAbsent(LeakSites.siteOf(h.stack()), testFrame(h.stack(), testClass));
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(open.size() + reclaimed.size())
                .append(" handle(s) opened during ")
                .append(title)
                .append(" leaked: ");
        if (!open.isEmpty()) {
            sb.append(open.size()).append(" still open");
        }
        if (!reclaimed.isEmpty()) {
            sb.append(open.isEmpty() ? "" : ", ")
                    .append(reclaimed.size())
                    .append(" closed only by the GC (never by the code)");
        }
        sb.append(":\n");
        for (LeakSites.Site s : LeakSites.of(open, reclaimed)) {
            sb.append("  ").append(s.count()).append(" open");
            if (s.reclaimed() > 0) {
                sb.append(", ").append(s.reclaimed()).append(" reclaimed");
            }
            sb.append(" (").append(String.join(", ", s.kinds())).append(") at ").append(s.site());
            String inTest = testFrames.get(s.site());
            if (inTest != null && !inTest.equals(s.site())) {
                sb.append("\n      from the test at ").append(inTest);
            }
            sb.append('\n');
        }
        return sb.append('\n').toString();
    }

    private static String testFrame(List<StackTraceElement> stack, String testClass) {
        if (testClass == null) {
            return null;
        }
        for (StackTraceElement f : stack) {
            if (isTestFrame(f, testClass)) {
                return f.toString();
            }
        }
        return null;
    }
}
