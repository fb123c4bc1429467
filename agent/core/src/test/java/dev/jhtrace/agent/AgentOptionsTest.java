package dev.jhtrace.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest {
    @Test
    void defaults() throws Exception {
        AgentOptions o = AgentOptions.parse(null);
        assertNull(o.reportPath());
        assertEquals(AgentOptions.DEFAULT_MAX_TRACES, o.maxTraces());
        assertTrue(o.enabled());
        assertFalse(o.includeRuntime());
        assertEquals("bad", o.traces());
    }

    @Test
    void formatFollowsTheExtensionUnlessGiven() throws Exception {
        assertEquals("json", AgentOptions.parse("report=/tmp/a-%p.json").format());
        assertEquals("html", AgentOptions.parse("report=/tmp/a.HTML").format());
        assertEquals("txt", AgentOptions.parse("report=/tmp/a.log").format());
        assertEquals("json", AgentOptions.parse("report=/tmp/a.txt,format=json").format());
    }

    @Test
    void allOptions() throws Exception {
        AgentOptions o = AgentOptions.parse("report=r.txt, max=0x100 ,internal=true,disable,traces=all");
        assertEquals("r.txt", o.reportPath());
        assertEquals(256, o.maxTraces());
        assertTrue(o.includeRuntime());
        assertFalse(o.enabled());
        assertEquals("all", o.traces());
    }

    @Test
    void badOptionsNameTheOption() {
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("reprot=x")).getMessage().contains("reprot"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("max=-1")).getMessage().contains("max"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("max=many")).getMessage().contains("max"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("format=xml")).getMessage().contains("format"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("report=")).getMessage().contains("report"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("internal=maybe")).getMessage().contains("internal"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("traces=some")).getMessage().contains("traces"));
    }

    @Test
    void walkerIsTheStructuresWalkerUnlessAsked() throws Exception {
        assertEquals("auto", AgentOptions.parse(null).walker());
        assertEquals("asgct", AgentOptions.parse("walker=ASGCT").walker());
        assertEquals("check", AgentOptions.parse("walker=check").walker());
        assertEquals("vm", AgentOptions.parse("walker=vm").walker());
        assertEquals(0, WalkerCheck.mode("asgct"));
        assertEquals(1, WalkerCheck.mode("vm"));
        assertEquals(2, WalkerCheck.mode("check"));
        // auto: the structures' walker on the JDKs it was verified on (this build runs on 17), AsyncGetCallTrace elsewhere
        assertEquals(WalkerCheck.verified(Runtime.version().feature()) ? 1 : 0, WalkerCheck.mode("auto"));
        assertTrue(WalkerCheck.verified(17) && WalkerCheck.verified(25));
        assertFalse(WalkerCheck.verified(21) || WalkerCheck.verified(26));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("walker=fast")).getMessage().contains("walker=fast"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("walker=")).getMessage().contains("walker"));
    }

    @Test
    void depthBoundsTheFramesKept() throws Exception {
        assertEquals(AgentOptions.DEFAULT_DEPTH, AgentOptions.parse(null).depth());
        assertEquals(16, AgentOptions.parse("depth=16").depth());
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("depth=0")).getMessage().contains("depth"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("depth=5000")).getMessage().contains("depth"));
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("depth=deep")).getMessage().contains("depth"));
        assertEquals(AgentOptions.DEFAULT_CLOSE_DEPTH, AgentOptions.parse(null).closeDepth());
        assertEquals(64, AgentOptions.parse("closedepth=64").closeDepth());
        assertTrue(assertThrows(AgentOptions.BadOption.class, () -> AgentOptions.parse("closedepth=0")).getMessage().contains("closedepth"));
    }
}
