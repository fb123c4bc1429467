package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.KindsTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every kind of handle, on JDK 17 and 25: the leaked instance is in {@code openHandles} with the fd number
 * {@code /proc/self/fd} showed and the line that opened it; the closed instance is not, and its CLOSE trace
 * has the line that closed it.
 */
class KindsIT {
    private static final String TARGET = KindsTarget.class.getName();

    @TestFactory
    Stream<DynamicTest> everyKindOnEveryJdk() {
        return Jdk.all().flatMap(jdk -> {
            try {
                jdk.java();
            } catch (org.opentest4j.TestAbortedException skipped) {
                // not installed, or left out of this round: one skipped test that says why
                return Stream.of(DynamicTest.dynamicTest(jdk + ": all kinds", jdk::java));
            }
            TargetJvm.Result r;
            try {
                // control=false: the channel's socket, opened by an agent thread 200 ms into the run, fell between a
                // scenario's two listings of /proc/self/fd now and then (4 runs in 50 on a loaded machine), and the
                // scenario took it for one of its own descriptors, with no CLOSE trace of its line to show for it
                r = TargetJvm.runWithReport(
                        jdk, TargetJvm.VERIFY_JDK, "traces=all,max=100000,control=false", KindsTarget.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            TargetJvm.Result run = r;
            List<DynamicTest> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest(jdk + ": target ran and reported", () -> {
                assertEquals(0, run.exitCode(), run.stderr());
                assertNotNull(run.report(), "no report written; stderr: " + run.stderr());
                assertEquals(0, run.report().path("stats").path("dropped").asLong());
                assertTrue(
                        run.report().path("warnings").isEmpty(),
                        "start-up warnings: " + run.report().path("warnings"));
                // every scenario the target has reported (adding one needs no count here), and none was taken away
                int declared = Integer.parseInt(run.lines("SCENARIOS ").get(0).trim());
                assertTrue(declared >= 33, "scenarios: " + declared);
                assertEquals(declared, run.lines("SCENARIO ").size(), run.stdout());
            }));
            for (String line : r.lines("SCENARIO ")) {
                String[] f = line.split("\\|", -1);
                tests.add(DynamicTest.dynamicTest(jdk + ": " + f[0], () -> check(run.report(), f)));
            }
            return tests.stream();
        });
    }

    private static void check(JsonNode report, String[] f) {
        String name = f[0];
        int leakLine = Integer.parseInt(f[1]);
        List<Integer> leakFds = ints(f[2]);
        int closedOpenLine = Integer.parseInt(f[3]);
        int closeLine = Integer.parseInt(f[4]);
        List<Integer> closedFds = ints(f[5]);
        assertFalse(leakFds.isEmpty(), name + ": the leak opened no fd?");
        assertFalse(closedFds.isEmpty(), name + ": the closed instance opened no fd?");

        List<JsonNode> leaked = Reports.withFrame(report.path("openHandles"), TARGET, leakLine);
        StringBuilder about = new StringBuilder();
        for (String section : new String[] {"openHandles", "untraced"}) {
            for (JsonNode h : report.path(section)) {
                if (leakFds.contains(h.path("handle").asInt())) {
                    about.append('\n')
                            .append(section)
                            .append(": ")
                            .append(h.toString(), 0, Math.min(600, h.toString().length()));
                }
            }
        }
        assertEquals(
                leakFds,
                Reports.handles(new com.fasterxml.jackson.databind.node.ArrayNode(null, leaked)).stream()
                        .sorted()
                        .toList(),
                name + ": openHandles opened at line " + leakLine
                        + " should be exactly the fds /proc/self/fd showed; the report has" + about);
        assertTrue(
                Reports.withFrame(report.path("openHandles"), TARGET, closedOpenLine)
                        .isEmpty(),
                name + ": the instance closed at line " + closeLine + " is reported open");
        for (int fd : closedFds) {
            boolean closeTraced = false;
            for (JsonNode t : report.path("traces")) {
                if ("CLOSE".equals(t.path("type").asText())
                        && t.path("handle").asInt() == fd
                        && Reports.hasFrame(t, TARGET, closeLine)) {
                    closeTraced = true;
                }
            }
            assertTrue(closeTraced, name + ": no CLOSE trace of fd " + fd + " with line " + closeLine);
        }
    }

    private static List<Integer> ints(String csv) {
        return csv.isEmpty()
                ? List.of()
                : Arrays.stream(csv.split(",")).map(Integer::parseInt).sorted().toList();
    }
}
