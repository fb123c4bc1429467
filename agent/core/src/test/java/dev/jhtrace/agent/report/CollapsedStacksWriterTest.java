package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollapsedStacksWriterTest {
    private static final StackTraceElement OPEN =
            new StackTraceElement("java.io.FileInputStream", "open", "FileInputStream.java", 217);
    private static final StackTraceElement LEAK = new StackTraceElement("com.example.Store", "load", "Store.java", 24);
    private static final StackTraceElement MAIN = new StackTraceElement("com.example.App", "main", "App.java", 5);

    private static HandleView h(int fd, String kind, StackTraceElement... stack) {
        return new HandleView(fd, 1, kind, "/f", "t", 0, List.of(stack));
    }

    @Test
    void oneLinePerStackAndKindOutermostFirstTheMostFirst() {
        LeakReport r = new LeakReport(
                1,
                "c",
                0,
                0,
                0,
                0,
                List.of(
                        h(3, "FILE", OPEN, LEAK, MAIN),
                        h(4, "FILE", OPEN, LEAK, MAIN),
                        h(5, "SOCKET", OPEN, LEAK, MAIN)),
                List.of(),
                List.of(h(6, "FILE", OPEN, MAIN)),
                List.of(),
                List.of(),
                0,
                0,
                0,
                0,
                0);
        assertEquals(
                "com.example.App.main(App.java:5);com.example.Store.load(Store.java:24);"
                        + "java.io.FileInputStream.open(FileInputStream.java:217);[FILE] 2\n"
                        + "com.example.App.main(App.java:5);com.example.Store.load(Store.java:24);"
                        + "java.io.FileInputStream.open(FileInputStream.java:217);[SOCKET] 1\n"
                        + "[reclaimed by the GC];com.example.App.main(App.java:5);"
                        + "java.io.FileInputStream.open(FileInputStream.java:217);[FILE] 1\n",
                CollapsedStacksWriter.write(r));
    }

    @Test
    void aFrameCannotBreakALine() {
        StackTraceElement hostile = new StackTraceElement("a;b\nc", "m", null, -1);
        LeakReport r = new LeakReport(
                1,
                "c",
                0,
                0,
                0,
                0,
                List.of(h(3, "FILE", hostile)),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                0,
                0,
                0,
                0,
                0);
        String text = CollapsedStacksWriter.write(r);
        assertEquals(1, text.lines().count(), text);
        assertFalse(text.contains("a;b"), text);
        assertTrue(text.startsWith("a,b\\x0Ac.m(Unknown Source);[FILE] 1"), text);
    }
}
