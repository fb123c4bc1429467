package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the JSON writer writes, the reader of {@code jhtrace check} reads back. */
class JsonReportReaderTest {
    @Test
    void readsBackOpenAndReclaimedLeaksWithTheirStacks() throws Exception {
        List<StackTraceElement> stack = List.of(
                new StackTraceElement(NativeFrame.CLASS_NAME, "libfoo.so!open_file+0x1a -> open", null, -1),
                new StackTraceElement("com.example.App", "main", "App.java", 12),
                new StackTraceElement("com.example.Gen", "run", null, -1));
        HandleView open = new HandleView(28, 7, "FILE", "/srv/a \"b\"\n", "main", 1_000, stack);
        HandleView gone = new HandleView(29, 1, "SOCKET", null, "w", 2_000, stack.subList(1, 2));
        LeakReport r = new LeakReport(
                123,
                "java",
                0,
                0,
                0,
                3,
                List.of(open),
                List.of(),
                List.of(gone),
                List.of(new UntracedView(5, "x", true)),
                List.of(),
                0,
                0,
                0,
                0,
                4);
        JsonReportReader.Leaks leaks = JsonReportReader.read(JsonReportWriter.write(r));
        assertEquals(123, leaks.pid());
        assertEquals(List.of(open), leaks.open());
        assertEquals(List.of(gone), leaks.reclaimed());
        assertEquals(3, leaks.dropped());
        assertEquals(1, leaks.lost());
        assertEquals(4, leaks.suppressed());
        assertEquals(LeakSites.of(r), LeakSites.of(leaks.open(), leaks.reclaimed()), "the same sites");
    }

    @Test
    void otherJsonIsNotAReport() {
        assertThrows(JsonReportReader.NotAReport.class, () -> JsonReportReader.read("[1]"));
        assertThrows(JsonReportReader.NotAReport.class, () -> JsonReportReader.read("{\"pid\":1,\"stats\":{}}"));
        assertThrows(
                JsonReportReader.NotAReport.class,
                () -> JsonReportReader.read("{\"pid\":1,\"stats\":{},\"openHandles\":[{\"handle\":1}]}"));
        assertThrows(
                JsonReportReader.NotAReport.class,
                () -> JsonReportReader.read("{\"pid\":1,\"stats\":{},\"openHandles\":[{\"stack\":[{\"x\":1}]}]}"));
    }
}
