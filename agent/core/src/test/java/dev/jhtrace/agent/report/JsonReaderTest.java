package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void readsEveryKindOfValue() throws Exception {
        Object v = JsonReader.parse(
                " {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u0001\","
                        + " \"o\": {}, \"l\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, true, false), ((List<?>) m.get("a")).subList(0, 6));
        assertNull(((List<?>) m.get("a")).get(6));
        assertEquals("q\"\\/\b\f\n\r\t\u00e9\u0001", m.get("s"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(List.of(), m.get("l"));
    }

    @Test
    void readsWhatTheReportWriterEscapes() throws Exception {
        String s = "a \"quoted\"\n\\path\u0007";
        assertEquals(s, JsonReader.parse(JsonReportWriter.str(s)));
    }

    @Test
    void saysWhereTextIsNotJson() {
        assertMalformed("{\"a\":1", "unexpected end at offset 6");
        assertMalformed("{\"a\":1} x", "text after the value at offset 8");
        assertMalformed("{a:1}", "expected a member name at offset 1");
        assertMalformed("[1 2]", "expected ',' or ']' at offset 3");
        assertMalformed("\"a\nb\"", "control character in a string");
        assertMalformed("[01x]", "expected ',' or ']'");
        assertMalformed("[--1]", "bad number '--1'");
        assertMalformed("nul", "unexpected 'n'");
        assertMalformed("\"\\x\"", "bad escape");
        assertMalformed("\"\\u12\"", "bad \\u escape");
        assertMalformed("\"\\u+123\"", "bad \\u escape");
        assertMalformed("[".repeat(10_000), "nested too deeply");
        assertMalformed("", "unexpected end at offset 0");
    }

    private static void assertMalformed(String text, String message) {
        JsonReader.Malformed e = assertThrows(JsonReader.Malformed.class, () -> JsonReader.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
