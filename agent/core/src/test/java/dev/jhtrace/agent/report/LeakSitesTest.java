package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Leaks group by the program's innermost frame, whatever path reached it; JDK and jhtrace frames are skipped. */
class LeakSitesTest {
    private static final StackTraceElement OPEN =
            new StackTraceElement("java.io.FileInputStream", "open", "FileInputStream.java", 217);
    private static final StackTraceElement LEAK = new StackTraceElement("com.example.Store", "load", "Store.java", 24);

    private static HandleView leak(int fd, long at, StackTraceElement... callers) {
        List<StackTraceElement> stack = new java.util.ArrayList<>(List.of(OPEN, LEAK));
        stack.addAll(List.of(callers));
        return new HandleView(fd, 1, "FILE", "/f" + fd, "t", at, stack);
    }

    private static LeakReport report(List<HandleView> open, List<HandleView> reclaimed) {
        return new LeakReport(1, "cmd", 0, 0, 0, 0, open, List.of(), reclaimed, List.of(), List.of(), 0, 0, 0, 0, 0);
    }

    @Test
    void oneLineReachedByTwoPathsIsOneSite() {
        StackTraceElement pathA = new StackTraceElement("com.example.Web", "get", "Web.java", 10);
        StackTraceElement pathB = new StackTraceElement("com.example.Batch", "run", "Batch.java", 33);
        StackTraceElement other = new StackTraceElement("com.example.Log", "open", "Log.java", 5);
        LeakReport r = report(
                List.of(
                        leak(10, 1000, pathA),
                        leak(11, 3000, pathB),
                        leak(12, 2000, pathA),
                        new HandleView(13, 1, "SOCKET", "s", "t", 500, List.of(OPEN, other))),
                List.of(leak(14, 100, pathB)));
        List<LeakSites.Site> sites = LeakSites.of(r);
        assertEquals(2, sites.size(), sites.toString());
        LeakSites.Site s = sites.get(0);
        assertEquals("com.example.Store.load(Store.java:24)", s.site());
        assertEquals(3, s.count());
        assertEquals(1, s.reclaimed());
        assertEquals(List.of("FILE"), s.kinds());
        assertEquals(100, s.oldestAt());
        assertEquals(3000, s.newestAt());
        assertEquals(2, s.stacks(), "two distinct paths");
        assertEquals("com.example.Log.open(Log.java:5)", sites.get(1).site());
        String json = JsonReportWriter.write(r);
        assertTrue(
                json.contains(
                        "\"sites\":[\n {\"site\":\"com.example.Store.load(Store.java:24)\",\"count\":3,\"reclaimed\":1,"
                                + "\"kinds\":[\"FILE\"],\"oldestAt\":\"1970-01-01T00:00:00.100Z\",\"newestAt\":\"1970-01-01T00:00:03Z\",\"stacks\":2}"),
                json);
        String text = TextReportWriter.write(r);
        assertTrue(text.contains("5 leak(s) at 2 site(s)"), text);
        assertTrue(TextReportWriter.writeDiff(r).contains("5 leak(s) at 2 site(s)"), "-diff too");
        assertTrue(
                text.contains("       3 open      1 reclaimed  FILE  com.example.Store.load(Store.java:24) (2 stacks)"),
                text);
    }

    @Test
    void jdkJhtraceAndJnaFramesAreNeverTheSite() {
        List<StackTraceElement> stack = List.of(
                new StackTraceElement(NativeFrame.CLASS_NAME, "libc.so.6!open+0x1a -> open", null, -2),
                new StackTraceElement("com.sun.jna.Native", "invokeInt", "Native.java", 1),
                new StackTraceElement("dev.jhtrace.agent.HandleCapture", "capture", "HandleCapture.java", 9),
                new StackTraceElement("jdk.internal.foreign.abi.Stub", "x", null, -1),
                new StackTraceElement("org.example.Db", "connect", "Db.java", 7));
        assertEquals("org.example.Db.connect(Db.java:7)", LeakSites.siteOf(stack));
        assertEquals("(no stack)", LeakSites.siteOf(List.of()));
        assertEquals(
                "java.io.FileInputStream.open(FileInputStream.java:217)",
                LeakSites.siteOf(List.of(OPEN)),
                "only the JDK's frames: the innermost");
    }

    @Test
    void aReportWithoutLeaksHasNoSites() {
        LeakReport r = report(List.of(), List.of());
        assertTrue(LeakSites.of(r).isEmpty());
        assertTrue(JsonReportWriter.write(r).contains("\"sites\":[]"));
        assertTrue(!TextReportWriter.write(r).contains("Leak sites"));
    }

    @Test
    void frameworksAreNotLeakSitesUnlessNothingElseIs() {
        StackTraceElement jetty = new StackTraceElement("org.eclipse.jetty.server.Request", "open", "Request.java", 9);
        StackTraceElement app = new StackTraceElement("com.example.Handler", "handle", "Handler.java", 40);
        StackTraceElement thread = new StackTraceElement("java.lang.Thread", "run", "Thread.java", 840);
        assertEquals(
                "com.example.Handler.handle(Handler.java:40)", LeakSites.siteOf(List.of(OPEN, jetty, app, thread)));
        assertEquals(
                "org.eclipse.jetty.server.Request.open(Request.java:9)",
                LeakSites.siteOf(List.of(OPEN, jetty, thread)),
                "a framework's own thread: its innermost frame, not the JDK's");
        StackTraceElement pool = new StackTraceElement("com.acme.pool.Pool", "take", "Pool.java", 3);
        assertEquals("com.acme.pool.Pool.take(Pool.java:3)", LeakSites.siteOf(List.of(OPEN, pool, app)));
        LeakSites.addFrameworks(List.of("com.acme.pool."));
        assertEquals("com.example.Handler.handle(Handler.java:40)", LeakSites.siteOf(List.of(OPEN, pool, app)));
        assertTrue(!LeakSites.isProgram(pool) && LeakSites.isProgram(app));
    }

    @Test
    void frameworksAreParsedAlikeForTheAgentAndTheGate() {
        assertEquals(List.of("com.acme.", "org.pool$Inner"), LeakSites.parseFrameworks("com.acme.:org.pool$Inner"));
        for (String bad : new String[] {"", "com.a.:", ":com.a.", "com/acme", "a b"}) {
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> LeakSites.parseFrameworks(bad), bad);
        }
    }
}
