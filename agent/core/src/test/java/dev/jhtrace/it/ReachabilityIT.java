package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jhtrace.it.targets.ReachabilityTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing the agent holds keeps an application object alive: a handle closed, dropped and followed by
 * {@code System.gc()} is collected as it is without the agent (a strong reference to the closed stream's descriptor
 * in a not yet processed event changed what the program's own GC-driven code saw: 3 collected in 20).
 */
class ReachabilityIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void aClosedAndDroppedHandleIsCollectedAsWithoutTheAgent(Jdk jdk) throws Exception {
        TargetJvm.Result without = TargetJvm.run(jdk, List.of(), ReachabilityTarget.class);
        assertEquals(0, without.exitCode(), without.stderr());
        TargetJvm.Result with = TargetJvm.runWithReport(jdk, "", ReachabilityTarget.class);
        assertEquals(0, with.exitCode(), with.stderr());
        List<String> expected = without.lines("COLLECTED ");
        assertEquals(5, expected.size(), without.stdout());
        assertEquals(expected, with.lines("COLLECTED "), "collected without the agent: " + expected);
    }
}
