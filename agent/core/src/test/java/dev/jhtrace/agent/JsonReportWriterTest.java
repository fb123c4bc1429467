package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.JsonReportWriter;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.TraceView;
import dev.jhtrace.agent.report.UntracedView;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReportWriterTest {
    @Test
    void writesTheContractShapeAndEscapes() throws Exception {
        StackTraceElement frame = new StackTraceElement("com.example.App", "main", "App.java", 12);
        HandleView h = new HandleView(28, 7, "FILE", "/srv/a \"quoted\"\n.txt", "main", 0, List.of(frame));
        TraceView t = new TraceView(28, 7, "CLOSE", "FILE", "/srv/a", "main", 0, List.of(frame));
        LeakReport r = new LeakReport(
                123,
                "java \\ App",
                0,
                1000,
                5,
                2,
                List.of(h),
                List.of(t),
                List.of(),
                List.of(new UntracedView(5, "socket:[1]"), new UntracedView(6, "/x", true)),
                List.of("w"),
                40,
                3,
                2,
                9,
                4);
        JsonNode n = new ObjectMapper().readTree(JsonReportWriter.write(r));
        assertEquals(123, n.path("pid").asInt());
        assertEquals("1970-01-01T00:00:01Z", n.path("generatedAt").asText());
        assertEquals(5, n.path("stats").path("parsed").asInt());
        assertEquals(2, n.path("stats").path("dumped").asInt());
        assertEquals(2, n.path("stats").path("dropped").asInt());
        assertEquals(1, n.path("stats").path("openHandles").asInt());
        assertEquals(2, n.path("stats").path("untraced").asInt());
        assertEquals(1, n.path("stats").path("lost").asInt());
        assertEquals(2, n.path("stats").path("hidden").asInt());
        assertEquals(40, n.path("stats").path("events").asInt());
        assertEquals(3, n.path("stats").path("errors").asInt());
        assertEquals(9, n.path("stats").path("evicted").asInt());
        assertTrue(n.path("untraced").get(1).path("lost").asBoolean());
        assertFalse(n.path("untraced").get(0).has("lost"), "only lost entries carry the key");
        JsonNode oh = n.path("openHandles").get(0);
        assertEquals(28, oh.path("handle").asInt());
        assertEquals(7, oh.path("generation").asInt());
        assertEquals("/srv/a \"quoted\"\n.txt", oh.path("description").asText());
        assertEquals("com.example.App", oh.path("stack").get(0).path("class").asText());
        assertEquals(12, oh.path("stack").get(0).path("line").asInt());
        assertEquals("CLOSE", n.path("traces").get(0).path("type").asText());
        assertEquals("socket:[1]", n.path("untraced").get(0).path("description").asText());
        assertEquals("java \\ App", n.path("command").asText());
    }
}
