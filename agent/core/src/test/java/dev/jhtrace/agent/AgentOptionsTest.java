package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.agent.jni.WalkerCheck;
import dev.jhtrace.agent.report.ReportFormat;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
    @Test
    void defaults() throws Exception {
        AgentOptions o = AgentOptions.parse(null);
        assertNull(o.reportPath());
        assertEquals(AgentOptions.DEFAULT_MAX_TRACES, o.maxTraces());
        assertTrue(o.enabled());
        assertFalse(o.includeRuntime());
        assertEquals(TraceFilter.BAD, o.traces());
    }

    @Test
    void formatFollowsTheExtensionUnlessGiven() throws Exception {
        assertEquals(
                ReportFormat.JSON, AgentOptions.parse("report=/tmp/a-%p.json").format());
        assertEquals(ReportFormat.HTML, AgentOptions.parse("report=/tmp/a.HTML").format());
        assertEquals(ReportFormat.TXT, AgentOptions.parse("report=/tmp/a.log").format());
        assertEquals(
                ReportFormat.JSON,
                AgentOptions.parse("report=/tmp/a.txt,format=json").format());
    }

    @Test
    void allOptions() throws Exception {
        AgentOptions o = AgentOptions.parse("report=r.txt, max=0x100 ,internal=true,disable,traces=all");
        assertEquals("r.txt", o.reportPath());
        assertEquals(256, o.maxTraces());
        assertTrue(o.includeRuntime());
        assertFalse(o.enabled());
        assertEquals(TraceFilter.ALL, o.traces());
    }

    @Test
    void badOptionsNameTheOption() {
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("reprot=x"))
                .getMessage()
                .contains("reprot"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("max=-1"))
                .getMessage()
                .contains("max"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("max=many"))
                .getMessage()
                .contains("max"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("format=xml"))
                .getMessage()
                .contains("format"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("report="))
                .getMessage()
                .contains("report"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("internal=maybe"))
                .getMessage()
                .contains("internal"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("traces=some"))
                .getMessage()
                .contains("traces"));
    }

    @Test
    void walkerIsTheStructuresWalkerUnlessAsked() throws Exception {
        assertEquals(WalkerMode.AUTO, AgentOptions.parse(null).walker());
        assertEquals(WalkerMode.ASGCT, AgentOptions.parse("walker=ASGCT").walker());
        assertEquals(WalkerMode.CHECK, AgentOptions.parse("walker=check").walker());
        assertEquals(WalkerMode.VM, AgentOptions.parse("walker=vm").walker());
        assertEquals(0, WalkerCheck.mode(WalkerMode.ASGCT));
        assertEquals(1, WalkerCheck.mode(WalkerMode.VM));
        assertEquals(2, WalkerCheck.mode(WalkerMode.CHECK));
        // auto: the structures' walker on the JDKs it was verified on (this build runs on 17), AsyncGetCallTrace
        // elsewhere
        assertEquals(1, WalkerCheck.mode(WalkerMode.AUTO), "provisional: choose() keeps it only on a verified layout");
        assertFalse(WalkerCheck.verifiedLayout(0), "no layout read: never trusted");
        assertFalse(WalkerCheck.verifiedLayout(0x1234L), "a layout nobody verified");
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("walker=fast"))
                .getMessage()
                .contains("walker=fast"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("walker="))
                .getMessage()
                .contains("walker"));
    }

    @Test
    void depthBoundsTheFramesKept() throws Exception {
        assertEquals(AgentOptions.DEFAULT_DEPTH, AgentOptions.parse(null).depth());
        assertEquals(16, AgentOptions.parse("depth=16").depth());
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("depth=0"))
                .getMessage()
                .contains("depth"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("depth=5000"))
                .getMessage()
                .contains("depth"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("depth=deep"))
                .getMessage()
                .contains("depth"));
        assertEquals(AgentOptions.DEFAULT_CLOSE_DEPTH, AgentOptions.parse(null).closeDepth());
        assertEquals(64, AgentOptions.parse("closedepth=64").closeDepth());
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("closedepth=0"))
                .getMessage()
                .contains("closedepth"));
    }

    @Test
    void numbersAreDecimalOrHexOnly() throws Exception {
        assertEquals(10, AgentOptions.parse("max=010").maxTraces(), "a leading zero is not octal");
        assertEquals(255, AgentOptions.parse("max=0xff").maxTraces());
        for (String bad : new String[] {
            "max=#ff", "max=+5", "max=\u0663", "max=0x", "max=0xFFFFFFFF", "max=99999999999", "depth=1e3"
        }) {
            AgentOptions.BadOption e = assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse(bad), bad);
            assertTrue(e.getMessage().startsWith(bad.substring(0, bad.indexOf('=') + 1)), e.getMessage());
        }
    }

    @Test
    void controlCharactersInAnOptionAreNotEchoed() {
        String m = assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("re\u001b[2Jport=x"))
                .getMessage();
        assertFalse(m.contains("\u001b"), m);
        assertTrue(m.contains("\\x1B[2J"), m);
    }

    @Test
    void aLaterEnableChangesWhatCanChangeAndNamesTheRest() throws Exception {
        AgentOptions start = AgentOptions.parse("depth=64");
        AgentOptions.Change c = AgentOptions.change(start, "report=/tmp/x.json,max=100,depth=5,walker=asgct");
        assertEquals("/tmp/x.json", c.merged().reportPath());
        assertEquals(ReportFormat.JSON, c.merged().format());
        assertEquals(100, c.merged().maxTraces());
        assertEquals(64, c.merged().depth(), "fixed at start");
        assertEquals(2, c.fixed().size(), c.fixed().toString());
        assertTrue(
                c.fixed().stream()
                        .anyMatch(f -> f.startsWith("depth=5 cannot change while the agent runs (it is depth=64)")),
                c.fixed().toString());
        assertTrue(AgentOptions.change(start, "depth=64").fixed().isEmpty(), "the value in force is no change");
    }

    @Test
    void newOptionsOfIssue13() throws Exception {
        assertEquals(1_500, AgentOptions.parse("minage=1500").minAgeMillis());
        assertEquals(1_500, AgentOptions.parse("minage=1500ms").minAgeMillis());
        assertEquals(5_000, AgentOptions.parse("minage=5s").minAgeMillis());
        assertEquals(120_000, AgentOptions.parse("minage=2m").minAgeMillis());
        assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("minage=5h"));
        assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("minage=-1s"));
        assertEquals(250, AgentOptions.parse("threshold=250").threshold());
        assertTrue(AgentOptions.parse("jfr=true").jfr());
        assertEquals(
                java.util.List.of("com.a.", "org.b."),
                AgentOptions.parse("frameworks=com.a.:org.b.").frameworks());
        assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("frameworks=com/a"));
        assertEquals(
                7,
                AgentOptions.change(AgentOptions.parse(""), "threshold=7,minage=1s")
                        .merged()
                        .threshold(),
                "threshold= changes at run time");
    }
}
