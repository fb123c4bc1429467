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
        TargetJvm.Result r = TargetJvm.run(jdk, List.of("-javaagent:" + TargetJvm.agentJar()), MBeanTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("true", r.lines("REGISTERED ").get(0));
        assertTrue(r.lines("SNAPSHOT ").get(0).contains("snapshot taken"), r.stdout());
        int line = Integer.parseInt(r.lines("LEAKLINE ").get(0));
        JsonNode diff = new ObjectMapper().readTree(r.lines("DIFF ").get(0));
        assertEquals(1, diff.path("openHandles").size(), diff.toString());
        assertTrue(
                Reports.hasFrame(diff.path("openHandles").get(0), MBeanTarget.class.getName(), line), diff.toString());
        assertTrue(r.lines("BAD ").get(0).startsWith("error: unknown command '-nonsense'"), r.stdout());
    }
}
