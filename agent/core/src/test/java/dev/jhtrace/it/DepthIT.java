package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.DeepTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code depth=} bounds the frames a stack keeps, innermost first, with none of the agent's own on top: a leak
 * 200 frames deep keeps exactly the frames asked for (64 by default), starting at the hooked JDK method.
 */
class DepthIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void stacksKeepTheInnermostFramesUpToTheDepth(Jdk jdk) throws Exception {
        check(jdk, "depth=16", 16);
        check(jdk, "", 64);
    }

    private static void check(Jdk jdk, String options, int frames) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, options, DeepTarget.class, "200");
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("LEAK ").get(0).trim());
        List<JsonNode> leaked = Reports.withFrame(r.report().path("openHandles"), DeepTarget.class.getName(), line);
        assertEquals(1, leaked.size(), options + ": " + r.report().path("openHandles"));
        JsonNode stack = leaked.get(0).path("stack");
        assertEquals(frames, stack.size(), options + ": " + stack);
        assertEquals("java.io.FileInputStream", stack.get(0).path("class").asText(), "the hooked method is innermost: " + stack);
        assertEquals("open", stack.get(0).path("method").asText());
        assertEquals(DeepTarget.class.getName(), stack.get(frames - 1).path("class").asText(), "the cut is in the recursion");
    }
}
