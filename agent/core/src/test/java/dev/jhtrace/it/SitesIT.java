package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.SitesTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One leaking line reached by two call paths on two threads is one leak site, with the right count and both stacks
 * under it, in the JSON report's {@code sites} and at the top of the text report.
 */
class SitesIT {
    @TempDir
    Path scratch;

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void oneLineThroughTwoPathsIsOneSite(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", SitesTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("LEAKLINE ").get(0).trim());
        int other = Integer.parseInt(r.lines("OTHERLINE ").get(0).trim());
        JsonNode sites = r.report().path("sites");
        String target = SitesTarget.class.getName();
        assertEquals(
                target + ".open(SitesTarget.java:" + line + ")",
                sites.get(0).path("site").asText(),
                sites.toString());
        assertEquals(50, sites.get(0).path("count").asInt(), sites.toString());
        assertEquals(2, sites.get(0).path("stacks").asInt(), "through fromWeb and fromBatch: " + sites);
        assertEquals("FILE", sites.get(0).path("kinds").get(0).asText());
        assertEquals(
                target + ".main(SitesTarget.java:" + other + ")",
                sites.get(1).path("site").asText(),
                sites.toString());
        assertEquals(5, sites.get(1).path("count").asInt(), sites.toString());
        assertEquals(2, sites.size(), "no other site: " + sites);

        Path text = scratch.resolve("leaks.txt");
        TargetJvm.Result t = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=report=" + text), SitesTarget.class);
        assertEquals(0, t.exitCode(), t.stderr());
        String report = Files.readString(text);
        int lineT = Integer.parseInt(t.lines("LEAKLINE ").get(0).trim());
        assertTrue(report.contains("55 leak(s) at 2 site(s)"), report);
        assertTrue(
                report.contains("      50 open      0 reclaimed  FILE  " + target + ".open(SitesTarget.java:" + lineT
                        + ") (2 stacks)"),
                report);
        assertTrue(report.indexOf("Leak sites") < report.indexOf("Handle 0x"), "the sites come first: " + report);

        // without a report file: the stderr summary names the sites first
        TargetJvm.Result s = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag()), SitesTarget.class);
        assertEquals(0, s.exitCode(), s.stderr());
        int lineS = Integer.parseInt(s.lines("LEAKLINE ").get(0).trim());
        int otherS = Integer.parseInt(s.lines("OTHERLINE ").get(0).trim());
        assertTrue(
                s.stderr()
                        .contains("  leak sites: 50 at " + target + ".open(SitesTarget.java:" + lineS + "); 5 at "
                                + target + ".main(SitesTarget.java:" + otherS + ")"),
                s.stderr());
    }
}
