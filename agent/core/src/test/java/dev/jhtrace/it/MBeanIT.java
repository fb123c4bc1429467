package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.MBeanTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same commands through the MBean {@code dev.jhtrace:type=Htrace}, as JConsole/VisualVM/JMC users call it. */
class MBeanIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void mbeanAnswersTheHtraceCommands(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag()), MBeanTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("true", r.lines("REGISTERED ").get(0));
        assertTrue(r.lines("SNAPSHOT ").get(0).contains("snapshot taken"), r.stdout());
        int line = Integer.parseInt(r.lines("LEAKLINE ").get(0));
        JsonNode diff = new ObjectMapper().readTree(r.lines("DIFF ").get(0));
        assertEquals(1, diff.path("openHandles").size(), diff.toString());
        assertTrue(
                Reports.hasFrame(diff.path("openHandles").get(0), MBeanTarget.class.getName(), line), diff.toString());
        assertTrue(r.lines("BAD ").get(0).startsWith("error: unknown command '-nonsense'"), r.stdout());
        assertEquals(List.of("true"), r.lines("ATTR Enabled "), r.stdout());
        assertEquals(List.of("1"), r.lines("ATTR OpenHandles "), "the one leak: " + r.stdout());
        assertEquals(List.of("FILE=1"), r.lines("ATTR OpenHandlesByKind "), r.stdout());
        assertEquals(List.of("0"), r.lines("ATTR DroppedEvents "), r.stdout());
        assertEquals(
                List.of("1 " + MBeanTarget.class.getName() + ".main(MBeanTarget.java:" + line + ")"),
                r.lines("ATTR TopSites "),
                r.stdout());
        String op = r.lines("OPERATION execute ").get(0);
        assertTrue(op.startsWith("command | Runs an !htrace command"), op);
        assertTrue(op.contains("-diff | [Handle [Max_Traces]] | -disable"), op);
        assertTrue(
                op.endsWith("| for example: -diff --format json, or 0x1C 5 (the traces of handle 0x1C, at most 5)"),
                op);
        assertTrue(r.lines("INFO ").get(0).startsWith("jhtrace, !htrace for the JVM"), r.stdout());
        for (String a : r.lines("ATTRIBUTE ")) {
            assertTrue(a.split(" \\| ")[1].length() > 20, "every attribute is described: " + a);
        }
        assertEquals(5, r.lines("ATTRIBUTE ").size(), r.stdout());
    }
}
