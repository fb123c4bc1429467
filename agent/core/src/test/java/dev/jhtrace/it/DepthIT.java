package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.DeepTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code depth=} bounds the frames an open stack keeps, innermost first, with none of the agent's own on top: a
 * leak 200 frames deep keeps exactly the frames asked for (64 by default), starting at the hooked JDK method;
 * {@code closedepth=} does the same for close stacks (32 by default).
 */
class DepthIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void stacksKeepTheInnermostFramesUpToTheDepth(Jdk jdk) throws Exception {
        check(jdk, "depth=16", 16);
        check(jdk, "", 64);
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void closeStacksKeepUpToTheCloseDepth(Jdk jdk) throws Exception {
        for (String[] c : new String[][] {{"traces=all", "32"}, {"traces=all,closedepth=12", "12"}}) {
            TargetJvm.Result r = TargetJvm.runWithReport(jdk, c[0], DeepTarget.class, "200", "close");
            assertEquals(0, r.exitCode(), r.stderr());
            int line = Integer.parseInt(r.lines("CLOSE ").get(0).trim());
            List<JsonNode> closes = Reports.withFrame(r.report().path("traces"), DeepTarget.class.getName(), line);
            assertEquals(1, closes.size(), c[0] + ": " + r.report().path("traces"));
            JsonNode stack = closes.get(0).path("stack");
            assertEquals("CLOSE", closes.get(0).path("type").asText());
            assertEquals(Integer.parseInt(c[1]), stack.size(), c[0] + ": " + stack);
            assertEquals(
                    "java.io.FileDescriptor",
                    stack.get(0).path("class").asText(),
                    "the hooked method is innermost: " + stack);
        }
    }

    private static void check(Jdk jdk, String options, int frames) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, options, DeepTarget.class, "200");
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("LEAK ").get(0).trim());
        List<JsonNode> leaked = Reports.withFrame(r.report().path("openHandles"), DeepTarget.class.getName(), line);
        assertEquals(1, leaked.size(), options + ": " + r.report().path("openHandles"));
        JsonNode stack = leaked.get(0).path("stack");
        assertEquals(frames, stack.size(), options + ": " + stack);
        assertEquals(
                "java.io.FileInputStream",
                stack.get(0).path("class").asText(),
                "the hooked method is innermost: " + stack);
        assertEquals("open", stack.get(0).path("method").asText());
        assertEquals(
                DeepTarget.class.getName(),
                stack.get(frames - 1).path("class").asText(),
                "the cut is in the recursion");
    }
}
