package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.ChurnTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hundreds of thousands of opens and closes on several threads, with fd reuse: the analyzer's open set must
 * end equal to what the OS has open.
 */
class ChurnIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void openSetEqualsTheRealOpenFds(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", ChurnTarget.class, "60000", "4");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode report = r.report();
        assertTrue(report.path("stats").has("dropped"), "stats.dropped must be reported");
        assertEquals(0, report.path("stats").path("dropped").asLong(), "events dropped at default settings");
        String kept = r.lines("KEPT ").get(0);
        List<Integer> keptFds = Arrays.stream(
                        kept.substring(1, kept.length() - 1).split(", "))
                .map(Integer::parseInt)
                .toList();
        assertEquals(keptFds, Reports.handles(report.path("openHandles")), "open handles after churn");
        // nothing the program opened is missing from the table: every untraced fd predates tracing or is the JVM's
        List<Integer> untraced = new ArrayList<>(Reports.handles(report.path("untraced")));
        for (JsonNode u : report.path("untraced")) {
            String d = u.path("description").asText();
            assertTrue(!d.contains("jhtrace-churn"), "a churned file shows as untraced: " + u);
        }
        assertTrue(untraced.size() < 20, "untraced: " + report.path("untraced"));
    }
}
