package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.PhasedTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The debugger side against a live JVM, on JDK 17 and 25, started without the agent (the CLI loads it) and
 * with {@code -javaagent}: enable, snapshot, leak, diff, traces of a reused handle, disable and enable again.
 */
class CliIT {
    private static final String TARGET = PhasedTarget.class.getName();

    static Stream<Arguments> targets() {
        return Jdk.all().flatMap(jdk -> Stream.of(Arguments.of(jdk, false), Arguments.of(jdk, true)));
    }

    static List<String> command(Jdk jdk, boolean agentAtStart) {
        List<String> cmd = new ArrayList<>(List.of(jdk.java().toString()));
        if (agentAtStart) {
            cmd.add(TargetJvm.agentFlag());
        }
        cmd.addAll(List.of("-cp", System.getProperty("jhtrace.targets.classpath", "target/test-classes"), TARGET));
        return cmd;
    }

    @ParameterizedTest(name = "{0}, agent at start: {1}")
    @MethodSource("targets")
    void htraceSessionOnALiveJvm(Jdk jdk, boolean agentAtStart) throws Exception {
        try (RunningTarget t = new RunningTarget(command(jdk, agentAtStart))) {
            Cli.Run enable = Cli.run(jdk, t.pid, "-enable", "5000");
            assertEquals(0, enable.exit(), enable.err());
            assertEquals(
                    !agentAtStart,
                    enable.out().startsWith("Agent loaded into process " + t.pid),
                    enable.out() + t.stderrText());
            assertTrue(enable.out().contains("handle tracing enabled, Max_Traces 0x1388"), enable.out());

            Cli.Run list = Cli.run(jdk, "list");
            assertEquals(0, list.exit(), list.err());
            assertTrue(
                    list.out().lines().anyMatch(l -> l.matches(t.pid + "\\s+enabled\\s+.*PhasedTarget.*")), list.out());

            // handles open before -enable: untraced when the agent came late, traced when it was there from the start
            JsonNode all = Cli.run(jdk, t.pid, "--format", "json").json();
            List<Integer> untraced = Reports.handles(all.path("untraced"));
            for (int fd : t.pre) {
                assertEquals(
                        !agentAtStart,
                        untraced.contains(fd),
                        "fd " + fd + " opened before -enable; untraced: " + untraced);
            }

            assertEquals(0, Cli.run(jdk, t.pid, "-snapshot").exit());
            List<String> leaks = t.send("leak", "LEAK ", "LEAKED");
            assertEquals(3, leaks.size());
            Cli.Run diff = Cli.run(jdk, t.pid, "-diff", "--format", "json");
            assertEquals(0, diff.exit(), diff.err());
            JsonNode open = diff.json().path("openHandles");
            assertEquals(3, open.size(), "exactly the three leaked handles: " + open);
            for (String leak : leaks) {
                String[] f = leak.split("\\|");
                List<JsonNode> at = Reports.withFrame(open, TARGET, Integer.parseInt(f[1]));
                assertEquals(1, at.size(), "leak at line " + f[1] + ": " + open);
                assertEquals(Integer.parseInt(f[0]), at.get(0).path("handle").asInt());
            }
            // dropped unclosed since the snapshot and closed by the GC's cleaner: leaks of the interval all the same
            List<String> dropped = t.send("drop", "DROP ", "DROPPED");
            Cli.Run diffReclaimed = Cli.run(jdk, t.pid, "-diff", "--format", "json");
            JsonNode reclaimed = diffReclaimed.json().path("reclaimed");
            assertEquals(3, dropped.size(), dropped.toString());
            assertEquals(
                    3,
                    Reports.withFrame(
                                    reclaimed,
                                    TARGET,
                                    Integer.parseInt(dropped.get(0).split("\\|")[1]))
                            .size(),
                    reclaimed.toString());
            assertEquals(3, diffReclaimed.json().path("openHandles").size(), "the reclaimed are not open");
            Cli.Run diffText = Cli.run(jdk, t.pid, "-diff");
            assertTrue(diffText.out().contains("3 more reclaimed by GC"), diffText.out());
            assertTrue(diffText.out().contains("OPEN (never closed; reclaimed by the GC)"), diffText.out());
            assertTrue(
                    diffText.out()
                            .contains("3 handle(s) opened since the last snapshot and still open, from 3 stack(s)"),
                    diffText.out());
            assertTrue(
                    diffText.out()
                            .contains("at " + TARGET + ".main(PhasedTarget.java:"
                                    + leaks.get(2).split("\\|")[1] + ")"),
                    diffText.out());

            // traces of one handle whose number was used twice: newest first, OPEN and CLOSE in order
            String[] r = t.send("reuse", "REUSE ", null).get(0).split("\\|");
            int fd = Integer.parseInt(r[0]);
            assertEquals(r[0], r[5], "the target's second open should reuse the number");
            Cli.Run traces = Cli.run(jdk, t.pid, "0x" + Integer.toHexString(fd), "--format", "json");
            assertEquals(0, traces.exit(), traces.err());
            List<String> seen = new ArrayList<>();
            for (JsonNode tr : traces.json().path("traces")) {
                assertEquals(fd, tr.path("handle").asInt());
                for (int i = 1; i <= 4; i++) {
                    if (Reports.hasFrame(tr, TARGET, Integer.parseInt(r[i]))) {
                        seen.add(tr.path("type").asText() + "@" + r[i]);
                    }
                }
            }
            assertEquals(List.of("CLOSE@" + r[4], "OPEN@" + r[3], "CLOSE@" + r[2], "OPEN@" + r[1]), seen.subList(0, 4));
            Cli.Run text = Cli.run(jdk, t.pid, Integer.toHexString(fd).toUpperCase(), "2");
            assertTrue(
                    text.out().contains("Handle 0x" + Integer.toHexString(fd).toUpperCase() + " - CLOSE: FILE"),
                    text.out());
            assertTrue(text.out().endsWith("Dumped 0x2 stack traces.\n"), text.out());
            // all the traces of one handle: a summary first, no untraced list
            Cli.Run one = Cli.run(jdk, t.pid, "0x" + Integer.toHexString(fd));
            assertTrue(
                    one.out()
                            .matches("(?s).*\nHandle 0x"
                                    + Integer.toHexString(fd).toUpperCase()
                                    + ": \\d+ trace\\(s\\) of \\d+ life/lives of this number, newest first\n.*"),
                    one.out());
            assertFalse(one.out().contains("with no trace (open before tracing"), one.out());

            // -disable frees everything; -enable works again without loading the agent twice
            Cli.Run disable = Cli.run(jdk, t.pid, "-disable");
            assertEquals(0, disable.exit(), disable.err());
            Cli.Run refused = Cli.run(jdk, t.pid, "-diff");
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("disabled"), refused.err());
            Cli.Run again = Cli.run(jdk, t.pid, "-enable");
            assertEquals(0, again.exit(), again.err());
            assertFalse(again.out().contains("Agent loaded"), again.out());
            List<String> more = t.send("leak", "LEAK ", "LEAKED");
            JsonNode open2 =
                    Cli.run(jdk, t.pid, "-diff", "--format", "json").json().path("openHandles");
            assertEquals(3, open2.size(), open2.toString());
            assertEquals(
                    Integer.parseInt(more.get(0).split("\\|")[0]),
                    open2.get(0).path("handle").asInt());

            assertEquals(List.of(""), t.send("ping", "PONG", null), "the target still works");
            long warnings = t.stderrText()
                    .lines()
                    .filter(l -> l.contains("has been loaded dynamically"))
                    .count();
            assertTrue(warnings <= 1, "the agent was loaded more than once: " + t.stderrText());
            assertEquals(0, t.exit(), t.stderrText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aQueryJustAfterStartUpWaitsForTheChannel(Jdk jdk) throws Exception {
        // the channel opens a moment after premain (here 1.5 s): a query sent as soon as the program is up waits for
        // it, where it once said "not enabled" (LoadIT's first -snapshot, now and then)
        List<String> cmd = new ArrayList<>(List.of(
                jdk.java().toString(),
                "-Djhtrace.control.delay=1500",
                TargetJvm.agentFlag(),
                "-cp",
                System.getProperty("jhtrace.targets.classpath", "target/test-classes"),
                TARGET));
        try (RunningTarget t = new RunningTarget(cmd)) {
            Cli.Run snapshot = Cli.run(jdk, t.pid, "-snapshot");
            assertEquals(0, snapshot.exit(), snapshot.err());
            assertTrue(snapshot.out().contains("snapshot taken"), snapshot.out());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void aCliThatComesBeforeTheControlChannelOpensIt(Jdk jdk) throws Exception {
        // the channel opens 200 ms after start-up; here it would open after ten minutes, so the CLI finds no socket,
        // attaches, and the agent already running opens its channel at once (no second agent, no warning)
        List<String> cmd = new ArrayList<>(List.of(
                jdk.java().toString(),
                "-Djhtrace.control.delay=600000",
                TargetJvm.agentFlag(),
                "-cp",
                System.getProperty("jhtrace.targets.classpath", "target/test-classes"),
                TARGET));
        try (RunningTarget t = new RunningTarget(cmd)) {
            Cli.Run enable = Cli.run(jdk, t.pid, "-enable");
            assertEquals(0, enable.exit(), enable.err());
            assertTrue(enable.out().contains("handle tracing enabled"), enable.out());
            assertEquals(0, Cli.run(jdk, t.pid, "-snapshot").exit());
            assertEquals(3, t.send("leak", "LEAK ", "LEAKED").size());
            Cli.Run diff = Cli.run(jdk, t.pid, "-diff", "--format", "json");
            assertEquals(0, diff.exit(), diff.err());
            assertEquals(3, diff.json().path("openHandles").size(), diff.out());
            assertFalse(t.stderrText().contains("already loaded"), t.stderrText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void aStoppedTargetDoesNotHangTheCli(Jdk jdk) throws Exception {
        try (RunningTarget t = new RunningTarget(command(jdk, true))) {
            // the channel opens a moment after start-up: stopped before that, the target would have none to answer on
            assertEquals(0, Cli.run(jdk, t.pid, "-snapshot").exit());
            assertEquals(
                    0,
                    new ProcessBuilder("kill", "-STOP", Long.toString(t.pid))
                            .start()
                            .waitFor());
            try {
                long start = System.nanoTime();
                Cli.Run diff = Cli.run(jdk, t.pid, "-diff", "--timeout", "2");
                assertEquals(1, diff.exit(), diff.out() + diff.err());
                assertTrue(
                        diff.err().contains("did not answer within 2 s (it is stopped: kill -CONT " + t.pid + ")"),
                        diff.err());
                assertEquals(1, diff.err().lines().count(), diff.err());
                Cli.Run list = Cli.run(jdk, "list");
                assertEquals(0, list.exit(), list.err());
                assertTrue(list.out().lines().anyMatch(l -> l.matches(t.pid + "\\s+\\?\\s+.*")), list.out());
                assertTrue(System.nanoTime() - start < 60_000_000_000L, "bounded");
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(t.pid))
                        .start()
                        .waitFor();
            }
            assertEquals(0, Cli.run(jdk, t.pid, "-snapshot").exit(), "works again once it runs");
            assertEquals(0, t.exit());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void enableTakesAgentOptions(Jdk jdk) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jhtrace-enable");
        try (RunningTarget t = new RunningTarget(command(jdk, false))) {
            // an attached JVM writes its shutdown report too, into directories made for it
            Cli.Run enable = Cli.run(jdk, t.pid, "-enable", "100", "report=" + dir.resolve("first/leaks-%p.json"));
            assertEquals(0, enable.exit(), enable.err());
            assertTrue(enable.out().contains("Max_Traces 0x64"), enable.out());
            assertEquals(0, Cli.run(jdk, t.pid, "-snapshot").exit());
            List<String> leaks = t.send("leak", "LEAK ", "LEAKED");
            // later: what can change does, what cannot is named
            java.nio.file.Path second = dir.resolve("second/leaks.json");
            Cli.Run again = Cli.run(jdk, t.pid, "-enable", "depth=5,report=" + second);
            assertEquals(0, again.exit(), again.err());
            assertTrue(again.out().contains("the leak report goes to " + second + " at exit"), again.out());
            assertTrue(
                    again.out().contains("depth=5 cannot change while the agent runs (it is depth=64)"), again.out());
            Cli.Run bad = Cli.run(jdk, t.pid, "-enable", "depth=x");
            assertEquals(2, bad.exit(), bad.out() + bad.err());
            assertTrue(bad.err().contains("bad agent option: depth=x"), bad.err());
            assertEquals(0, t.exit());
            assertTrue(
                    java.nio.file.Files.isRegularFile(second),
                    "no report at " + second + "; stderr: " + t.stderrText());
            assertEquals(
                    "rwx------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            java.nio.file.Files.getPosixFilePermissions(second.getParent())));
            assertEquals(
                    "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            java.nio.file.Files.getPosixFilePermissions(second)));
            JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(second.toFile());
            for (String leak : leaks) {
                String[] f = leak.split("\\|");
                assertEquals(
                        1,
                        Reports.withFrame(report.path("openHandles"), TARGET, Integer.parseInt(f[1]))
                                .size(),
                        report.toString());
            }
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
