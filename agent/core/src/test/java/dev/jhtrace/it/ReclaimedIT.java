package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.ReclaimedTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stream the program dropped without closing, closed by the GC's cleaner, is reported under reclaimed. */
class ReclaimedIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void cleanerClosedStreamIsReportedWithItsOpenStack(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", ReclaimedTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        String[] f = r.lines("RECLAIMED ").get(0).split("\\|");
        List<JsonNode> hits = Reports.withFrame(r.report().path("reclaimed"), ReclaimedTarget.class.getName(), Integer.parseInt(f[1]));
        assertEquals(1, hits.size(), "reclaimed: " + r.report().path("reclaimed"));
        assertEquals(Integer.parseInt(f[0]), hits.get(0).path("handle").asInt());
        assertEquals(0, r.report().path("openHandles").size());
    }
}
