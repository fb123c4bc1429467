package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jhtrace.it.targets.AttachLoadTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native stack walker stays on after a dynamic attach under load. It used to be switched off in 5 of 6 attaches
 * on JDK 17: AsyncGetCallTrace, which checks its first walks, ends a stack early (without an error) at frames
 * deoptimized by the retransformation, and that was taken for a disagreement. Three attaches per JDK.
 */
class AttachWalkerIT {
    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void walkerStaysOnAfterAttachUnderLoad(Jdk jdk) throws Exception {
        for (int attach = 0; attach < 3; attach++) {
            List<String> cmd = List.of(
                    jdk.java().toString(),
                    "-cp",
                    System.getProperty("jhtrace.targets.classpath", "target/test-classes"),
                    AttachLoadTarget.class.getName());
            try (RunningTarget t = new RunningTarget(cmd)) {
                Cli.Run enable = Cli.run(jdk, t.pid, "-enable");
                assertEquals(0, enable.exit(), enable.err());
                Thread.sleep(3_000); // the first 1,000 walks are compared within this
                Cli.Run diff = Cli.run(jdk, t.pid, "-diff");
                assertEquals(0, diff.exit(), diff.err());
                assertFalse(
                        diff.out().contains("walker disagreed"),
                        "attach " + attach + ": " + diff.out().lines().limit(3).toList());
                assertEquals(0, t.exit());
                assertFalse(t.stderrText().contains("walker disagreed"), t.stderrText());
            }
        }
    }
}
