package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.ReclaimedTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A stream the program dropped without closing, closed by the GC's cleaner, is reported under reclaimed. */
class ReclaimedIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void cleanerClosedStreamIsReportedWithItsOpenStack(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", ReclaimedTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        String[] f = r.lines("RECLAIMED ").get(0).split("\\|");
        List<JsonNode> hits = Reports.withFrame(
                r.report().path("reclaimed"), ReclaimedTarget.class.getName(), Integer.parseInt(f[1]));
        assertEquals(1, hits.size(), "reclaimed: " + r.report().path("reclaimed"));
        assertEquals(Integer.parseInt(f[0]), hits.get(0).path("handle").asInt());
        assertEquals(0, r.report().path("openHandles").size());
    }

    /** Leaks the GC's cleaner closes while the shutdown report is made are in it, open or reclaimed, never in neither. */
    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void leaksClosedDuringTheReportAreNeverLost(Jdk jdk) throws Exception {
        for (int run = 0; run < 10; run++) {
            TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", dev.jhtrace.it.targets.DroppedAtExitTarget.class);
            assertEquals(0, r.exitCode(), r.stderr());
            int line = Integer.parseInt(r.lines("LEAK ").get(0));
            String target = dev.jhtrace.it.targets.DroppedAtExitTarget.class.getName();
            int open = Reports.withFrame(r.report().path("openHandles"), target, line)
                    .size();
            int reclaimed = Reports.withFrame(r.report().path("reclaimed"), target, line)
                    .size();
            assertEquals(
                    4,
                    open + reclaimed,
                    "run " + run + ": " + open + " open and " + reclaimed + " reclaimed of 4 leaks: " + r.reportText());
            assertEquals(
                    4,
                    r.report().path("stats").path("leaks").asInt(),
                    r.report().path("stats").toString());
        }
    }
}
