package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Nothing of the program's (paths, frames, the command line) can end the page's script or add markup. */
class HtmlReportWriterTest {
    @Test
    void hostileTextStaysText() {
        StackTraceElement hostile = new StackTraceElement("x</script><script>alert(1)</script>", "m", "X.java", 1);
        HandleView h = new HandleView(3, 1, "FILE", "/tmp/<b>\"'&\u001b[2J", "t", 0, List.of(hostile));
        LeakReport r = new LeakReport(
                1, "java <i>", 0, 0, 0, 0, List.of(h), List.of(), List.of(), List.of(), List.of("<w>"), 0, 0, 0, 0, 0);
        String page = HtmlReportWriter.write(r);
        assertEquals(2, page.split("<script", -1).length - 1, "only the page's own two scripts: " + page);
        assertFalse(page.contains("<b>") || page.contains("<i>") || page.contains("<w>"), page);
        assertTrue(page.contains("/tmp/&lt;b&gt;&quot;&#39;&amp;\\x1B[2J"), page);
        assertTrue(
                page.contains("x\\u003c/script>\\u003cscript>alert(1)\\u003c/script>.m(X.java:1)"),
                "in the data: " + page);
        assertFalse(page.contains("http"), "no external resource: " + page);
    }
}
