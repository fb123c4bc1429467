package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text report stays readable however many leaks: grouped by site and stack, long lists capped, jars summarised. */
class TextReportWriterTest {
    private static final StackTraceElement OPEN =
            new StackTraceElement("java.io.FileInputStream", "open", "FileInputStream.java", 217);
    private static final StackTraceElement LEAK = new StackTraceElement("com.example.Store", "load", "Store.java", 24);

    private static List<HandleView> handles(int first, int n, StackTraceElement caller) {
        List<HandleView> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(new HandleView(
                    first + i, 1, "FILE", "/f" + (first + i), "t", 1000L * i, List.of(OPEN, LEAK, caller)));
        }
        return hs;
    }

    private static LeakReport report(List<HandleView> open, List<HandleView> reclaimed, List<UntracedView> untraced) {
        return new LeakReport(1, "cmd", 0, 0, 0, 0, open, List.of(), reclaimed, untraced, List.of(), 0, 0, 0, 0, 0);
    }

    @Test
    void oneSiteWithTwoStacksListsTenHandlesPerStackAndCountsTheRest() {
        List<HandleView> open = handles(100, 25, new StackTraceElement("com.example.Web", "get", "Web.java", 3));
        open.addAll(handles(200, 2, new StackTraceElement("com.example.Batch", "run", "Batch.java", 9)));
        String text = TextReportWriter.write(report(open, List.of(), List.of()));
        assertTrue(text.contains("27 handle(s) open, from 2 stack(s)"), text);
        assertTrue(
                text.contains("Site com.example.Store.load(Store.java:24): 27 open (FILE), opened from "
                        + "1970-01-01T00:00:00Z to 1970-01-01T00:00:24Z, from 2 stack(s)\n"),
                text);
        assertTrue(text.contains("25 handles still open, opened from this stack:\n"), text);
        assertTrue(text.contains("  0x6D FILE /f109\n  and 15 more\n"), "the tenth, then a count: " + text);
        assertFalse(text.contains("/f110"), text);
        assertTrue(text.indexOf("25 handles") < text.indexOf("2 handles"), "the bigger stack first: " + text);
        assertTrue(text.endsWith("Dumped 0x2 stack traces.\n"), text);
    }

    @Test
    void reclaimedHandlesAreGroupedByStackToo() {
        List<HandleView> gone = handles(300, 12, new StackTraceElement("com.example.Web", "get", "Web.java", 3));
        String text = TextReportWriter.write(report(List.of(), gone, List.of()));
        assertTrue(text.contains("12 handles never closed and reclaimed by the GC, opened from this stack:\n"), text);
        assertEquals(1, text.split("OPEN \\(never closed; reclaimed by the GC\\)", -1).length - 1, text);
        assertTrue(text.contains("  and 2 more\n"), text);
    }

    @Test
    void manyJarsAreSummarisedButALostEntryIsAlwaysListed() {
        List<UntracedView> untraced = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            untraced.add(new UntracedView(10 + i, "/app/lib/dep" + i + ".jar"));
        }
        untraced.add(new UntracedView(30, "/app/lib/lost.jar", true));
        untraced.add(new UntracedView(31, "socket:[7]"));
        String text = TextReportWriter.write(report(List.of(), List.of(), untraced));
        assertTrue(
                text.contains("  6 jar and runtime files (the class path's and the JDK's), such as /app/lib/dep0.jar,"
                        + " /app/lib/dep1.jar, /app/lib/dep2.jar; internal=true and the JSON form list each\n"),
                text);
        assertFalse(text.contains("dep5.jar"), text);
        assertTrue(text.contains("  0x1E  /app/lib/lost.jar  (lost:"), text);
        assertTrue(text.contains("  0x1F  socket:[7]\n"), text);

        String all = TextReportWriter.write(report(List.of(), List.of(), untraced), true);
        for (int i = 0; i < 6; i++) {
            assertTrue(
                    all.contains("  0x" + Integer.toHexString(10 + i).toUpperCase() + "  /app/lib/dep" + i + ".jar\n"),
                    all);
        }
        assertFalse(all.contains("jar and runtime files"), "internal=true lists each: " + all);
    }
}
