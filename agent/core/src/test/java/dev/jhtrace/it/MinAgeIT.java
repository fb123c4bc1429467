package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.MinAgeTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code minage=}: a handle opened just before exit (a request in flight) is left out of the shutdown report, and counted. */
class MinAgeIT {
    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void youngHandlesAreCountedNotListed(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "minage=1s", MinAgeTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        int old = Integer.parseInt(r.lines("OLDLINE ").get(0).trim());
        int young = Integer.parseInt(r.lines("NEWLINE ").get(0).trim());
        JsonNode open = r.report().path("openHandles");
        String target = MinAgeTarget.class.getName();
        assertEquals(1, Reports.withFrame(open, target, old).size(), open.toString());
        assertEquals(0, Reports.withFrame(open, target, young).size(), "opened 0 s before exit: " + open);
        assertEquals(
                1,
                r.report().path("stats").path("suppressed").asInt(),
                r.report().path("stats").toString());

        TargetJvm.Result all = TargetJvm.runWithReport(jdk, "", MinAgeTarget.class);
        assertEquals(
                1,
                Reports.withFrame(all.report().path("openHandles"), target, young)
                        .size(),
                "without minage=");

        TargetJvm.Result summary =
                TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=minage=1s"), MinAgeTarget.class);
        int oldS = Integer.parseInt(summary.lines("OLDLINE ").get(0).trim());
        int youngS = Integer.parseInt(summary.lines("NEWLINE ").get(0).trim());
        assertTrue(summary.stderr().contains("MinAgeTarget.java:" + oldS + ")"), summary.stderr());
        assertFalse(summary.stderr().contains("MinAgeTarget.java:" + youngS + ")"), summary.stderr());
    }
}
