package dev.jhtrace.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtraceCommandTest {
    private static HtraceCommand parse(String... words) {
        return HtraceCommand.parse(List.of(words));
    }

    @Test
    void handlesAreHexLikeWinDbg() {
        assertEquals(0x1c, parse("0x1c").handle());
        assertEquals(0x1c, parse("1C").handle());
        assertEquals(0x10, parse("10").handle());
        assertEquals(5, parse("1c", "5").maxTraces());
        assertEquals(0x20, parse("1c", "0x20").maxTraces());
    }

    @Test
    void noArgumentsMeansAllTraces() {
        HtraceCommand c = parse();
        assertEquals(HtraceCommand.Op.TRACES, c.op());
        assertEquals(0, c.handle());
        assertEquals(Integer.MAX_VALUE, c.maxTraces());
    }

    @Test
    void commandsAndFormat() {
        assertEquals(HtraceCommand.Op.ENABLE, parse("-enable").op());
        assertEquals(-1, parse("-enable").maxTraces());
        assertEquals(100, parse("-enable", "100").maxTraces());
        assertEquals(HtraceCommand.Op.DIFF, parse("-diff", "--format", "json").op());
        assertTrue(parse("--format", "json", "-diff").format() == dev.jhtrace.agent.report.ReportFormat.JSON);
        assertEquals(HtraceCommand.Op.DISABLE, parse("-DISABLE").op());
    }

    @Test
    void wordsRoundTrip() {
        for (HtraceCommand c :
                List.of(parse("-enable", "7"), parse("1c", "3", "--format", "json"), parse("-snapshot"), parse())) {
            assertEquals(c, HtraceCommand.parse(c.words()));
        }
    }

    @Test
    void badInputHasAOneLineReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("zz"))
                .getMessage()
                .startsWith("not a handle: 'zz'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("1c", "x"))
                .getMessage()
                .startsWith("not a trace count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("1c", "1", "2"))
                .getMessage()
                .contains("unexpected"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("-diff", "3"))
                .getMessage()
                .contains("unexpected '3'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("-enable", "-1"))
                .getMessage()
                .contains("trace count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("-x"))
                .getMessage()
                .contains("unknown command"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("-diff", "--format"))
                .getMessage()
                .contains("--format"));
    }

    @Test
    void enableCarriesAgentOptionsOverTheChannelByteForByte() {
        HtraceCommand c = HtraceCommand.parse(List.of("-enable", "100", "report=/tmp/a b\n\u00e9.json,depth=5"));
        assertEquals("report=/tmp/a b\n\u00e9.json,depth=5", c.options());
        assertEquals(100, c.maxTraces());
        // the channel splits a request at whitespace: the options travel as one hex word and come back whole
        List<String> words = c.words();
        assertTrue(words.stream().noneMatch(w -> w.contains(" ") || w.contains("\n")), words.toString());
        assertEquals(c, HtraceCommand.parse(words));
        assertEquals(
                7,
                HtraceCommand.parse(List.of("-enable", "max=5,max=7")).maxTraces(),
                "the last max= counts, as for the agent");
        assertThrows(IllegalArgumentException.class, () -> HtraceCommand.parse(List.of("-enable", "100", "max=5")));
        assertThrows(IllegalArgumentException.class, () -> HtraceCommand.parse(List.of("-enable", "depth=x")));
    }
}
