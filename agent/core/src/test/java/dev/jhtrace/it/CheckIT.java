package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.HelloTarget;
import dev.jhtrace.it.targets.SitesTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jhtrace check}, the CI gate, on the reports of real runs: a directory of per-process reports (as a test
 * run's forks write them with {@code %p}) is merged by leak site; the exit status is 1 over the limit, 0 within it, 2
 * on bad input (which never hangs on a FIFO); suppression patterns work in the gate and in the agent.
 */
class CheckIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void mergesPerProcessReportsBySiteAndGates(Jdk jdk) throws Exception {
        Path reports = scratch.resolve("target/jhtrace"); // created by the agent, owner-only
        String agent = TargetJvm.agentFlag() + "=report=" + reports + "/leaks-%p.json";
        int line = 0;
        int other = 0;
        for (int i = 0; i < 2; i++) {
            TargetJvm.Result r = TargetJvm.run(jdk, List.of(agent), SitesTarget.class);
            assertEquals(0, r.exitCode(), r.stderr());
            line = Integer.parseInt(r.lines("LEAKLINE ").get(0).trim());
            other = Integer.parseInt(r.lines("OTHERLINE ").get(0).trim());
        }
        TargetJvm.Result hello = TargetJvm.run(jdk, List.of(agent), HelloTarget.class);
        assertEquals(0, hello.exitCode(), hello.stderr());
        String site = SitesTarget.class.getName() + ".open(SitesTarget.java:" + line + ")";
        String otherSite = SitesTarget.class.getName() + ".main(SitesTarget.java:" + other + ")";

        Cli.Run gate = Cli.run(jdk, "check", reports);
        assertEquals(1, gate.exit(), gate.out() + gate.err());
        List<String> lines = gate.out().lines().toList();
        assertEquals(
                "jhtrace check: 110 leak(s) (110 open at exit, 0 reclaimed by the GC) at 2 site(s) in 2 of 3 report(s);"
                        + " 0 allowed: FAILED",
                lines.get(0));
        assertTrue(lines.get(1).startsWith("       100 open      0 reclaimed  FILE  " + site + " ("), gate.out());
        assertTrue(lines.get(1).contains(" in 2 report(s), " + reports + "/leaks-"), gate.out());
        assertTrue(
                lines.get(2).startsWith("        10 open      0 reclaimed  FILE  " + otherSite + "  in 2"), gate.out());
        assertEquals(3, lines.size(), gate.out());

        Cli.Run within = Cli.run(jdk, "check", reports, "--max", 110);
        assertEquals(0, within.exit(), within.out() + within.err());
        assertTrue(within.out().startsWith("jhtrace check: 110 leak(s)"), within.out());
        assertTrue(within.out().contains("110 allowed: OK"), within.out());

        Path suppress = scratch.resolve("accepted.txt");
        Files.writeString(
                suppress,
                "# the batch path's pool is known\n\nframe:" + SitesTarget.class.getName() + ".open(SitesTarget.java:"
                        + line + ")\n");
        Cli.Run suppressed = Cli.run(jdk, "check", reports, "--suppress", suppress);
        assertEquals(1, suppressed.exit(), suppressed.out());
        assertTrue(suppressed.out().startsWith("jhtrace check: 10 leak(s)"), suppressed.out());
        assertTrue(suppressed.out().contains("  100 leak(s) suppressed"), suppressed.out());

        Files.writeString(suppress, "path:/*/jhtrace-sites*.txt\n");
        Cli.Run byPath = Cli.run(jdk, "check", reports, "--suppress", suppress);
        assertEquals(0, byPath.exit(), byPath.out());
        assertTrue(byPath.out().contains("  110 leak(s) suppressed"), byPath.out());

        // one report given by name: the largest, one of the two runs that leaked
        Path one;
        try (var s = Files.list(reports)) {
            one = s.max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
        }
        Cli.Run single = Cli.run(jdk, "check", one, "--max", "1000");
        assertEquals(0, single.exit(), single.out() + single.err());
        assertTrue(single.out().startsWith("jhtrace check: 55 leak(s)"), single.out());
        assertTrue(single.out().contains("in 1 of 1 report(s)"), single.out());

        // beside them: a report written while a program ran (its shutdown report has its leaks again), and another
        // tool's JSON: neither is counted; the second is named on stderr
        Files.copy(one, reports.resolve("leaks-1.threshold.json"));
        Files.writeString(reports.resolve("package.json"), "{\"name\":\"x\"}");
        Cli.Run beside = Cli.run(jdk, "check", reports);
        assertEquals(1, beside.exit(), beside.out() + beside.err());
        assertTrue(beside.out().startsWith("jhtrace check: 110 leak(s)"), beside.out());
        assertTrue(beside.out().contains("in 2 of 3 report(s)"), beside.out());
        assertTrue(
                beside.err().contains("skipped " + reports.resolve("package.json") + " is not a jhtrace report"),
                beside.err());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theAgentLeavesSuppressedHandlesOutAndCountsThem(Jdk jdk) throws Exception {
        Path suppress = scratch.resolve("accepted.txt");
        Files.writeString(suppress, "dev.jhtrace.it.targets.SitesTarget.open\n");
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "suppress=" + suppress, SitesTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode report = r.report();
        assertEquals(
                50,
                report.path("stats").path("suppressed").asInt(),
                report.path("stats").toString());
        assertEquals(5, report.path("openHandles").size(), "only the other line's: " + report.path("sites"));
        assertEquals(1, report.path("sites").size(), report.path("sites").toString());

        TargetJvm.Result bad = TargetJvm.run(
                jdk, List.of(TargetJvm.agentFlag() + "=suppress=" + scratch.resolve("missing.txt")), HelloTarget.class);
        assertEquals(0, bad.exitCode(), bad.stderr());
        assertTrue(
                bad.stderr()
                        .contains("jhtrace: bad agent option: suppress=" + scratch.resolve("missing.txt")
                                + " (no such file); tracing is off"),
                bad.stderr());
        Files.writeString(suppress, "frame:*\n");
        TargetJvm.Result all =
                TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=suppress=" + suppress), HelloTarget.class);
        assertTrue(all.stderr().contains("would match every handle"), all.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void badInputIsExitTwoWithAReason(Jdk jdk) throws Exception {
        assertBad(
                jdk,
                "no such file or directory: " + scratch.resolve("none.json"),
                "check",
                scratch.resolve("none.json"));
        Path empty = Files.createDirectory(scratch.resolve("empty"));
        Files.writeString(empty.resolve("leaks.txt"), "a text report");
        assertBad(jdk, "no JSON report in " + empty, "check", empty);
        Path fifo = scratch.resolve("fifo.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertBad(jdk, "not a regular file: " + fifo, "check", fifo);
        Path half = scratch.resolve("half.json");
        Files.writeString(half, "{\"pid\":1,\"stats\":{");
        assertBad(jdk, half + " is not JSON: unexpected end at offset 18", "check", half);
        Path other = scratch.resolve("other.json");
        Files.writeString(other, "{\"name\":\"package.json\"}");
        assertBad(jdk, other + " is not a jhtrace report", "check", other);
        assertBad(jdk, "--max needs a number of leaks", "check", other, "--max", "-1");
        assertBad(jdk, "unknown option '--maxx'", "check", other, "--maxx", "1");
        assertBad(
                jdk,
                "--frameworks com/acme: expected class-name prefixes separated by ':'",
                "check",
                other,
                "--frameworks",
                "com/acme");
        assertBad(jdk, "no report given", "check");
        assertBad(jdk, "cannot read the suppression file", "check", other, "--suppress", scratch.resolve("nope"));
    }

    private static void assertBad(Jdk jdk, String message, Object... args) throws Exception {
        Cli.Run r = Cli.run(jdk, args);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("jhtrace check: ") && r.err().contains(message), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }
}
