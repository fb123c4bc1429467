package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.BadReferenceTarget;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading or writing a closed stream, channel or socket is traced as BAD_REFERENCE to the closed handle. */
class BadReferenceIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void useAfterCloseIsABadReference(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, TargetJvm.VERIFY_JDK, "", BadReferenceTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> bad = r.lines("BAD ");
        assertEquals(4, bad.size(), r.stdout());
        JsonNode traces = r.report().path("traces");
        for (String line : bad) {
            String[] f = line.split("\\|");
            int fd = Integer.parseInt(f[1]);
            int useLine = Integer.parseInt(f[3]);
            List<JsonNode> hits = Reports.withFrame(traces, BadReferenceTarget.class.getName(), useLine);
            assertFalse(hits.isEmpty(), f[0] + ": no trace at line " + useLine + " in " + traces);
            assertEquals("BAD_REFERENCE", hits.get(0).path("type").asText(), f[0]);
            assertEquals(fd, hits.get(0).path("handle").asInt(), f[0] + ": the handle the bad reference used");
        }
    }
}
