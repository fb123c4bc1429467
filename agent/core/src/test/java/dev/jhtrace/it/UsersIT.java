package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.FakeAgent;
import dev.jhtrace.it.targets.PhasedTarget;
import dev.jhtrace.it.targets.Scenario;
import dev.jhtrace.it.targets.SitesTarget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent and the CLI as ordinary users run them: a user with a passwd entry ({@code nobody}) and a uid without one
 * (a container's arbitrary uid), each with a temporary directory of its own; and another user's attempts to answer in
 * the agent's name. Switching users needs root (CI runs as root); elsewhere these are skipped, saying so.
 */
class UsersIT {
    private static final int NO_PASSWD_UID = 54321;
    private static final int VICTIM_UID = 54322;
    private static final int ATTACKER_UID = 54323;
    private static Path shared;
    private static Path jar;
    private static String classpath;

    @BeforeAll
    static void copyWhereOthersCanRead() throws Exception {
        Assumptions.assumeTrue(
                Files.getAttribute(Paths.get("/proc/self/"), "unix:uid").equals(0),
                "switching to other users needs root (running as " + System.getProperty("user.name") + ")");
        Assumptions.assumeTrue(
                Files.isExecutable(Paths.get("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
        AttachFiles.removeStale(); // a root JVM killed earlier must not block the attach of a user's with its number
        shared = Files.createTempDirectory("jhtrace-users");
        jar = TargetJvm.copyAgent(shared);
        Path classes = shared.resolve("classes");
        Path pkg = Files.createDirectories(classes.resolve("dev/jhtrace/it/targets"));
        Path from = Paths.get(
                System.getProperty("jhtrace.targets.classpath", "target/test-classes"), "dev/jhtrace/it/targets");
        for (Class<?> c : List.of(PhasedTarget.class, FakeAgent.class, SitesTarget.class, Scenario.class)) {
            Files.copy(from.resolve(c.getSimpleName() + ".class"), pkg.resolve(c.getSimpleName() + ".class"));
        }
        classpath = classes.toString();
        run("chmod", "-R", "a+rX", shared.toString());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Reports.deleteTree(shared);
        for (int uid : List.of(65534, NO_PASSWD_UID, VICTIM_UID, ATTACKER_UID)) {
            Reports.deleteTree(Paths.get("/tmp/.jhtrace-" + uid));
        }
    }

    static Stream<Arguments> users() {
        return Jdk.all()
                .flatMap(jdk -> Stream.of(65534, NO_PASSWD_UID)
                        .flatMap(uid -> Stream.of(Arguments.of(jdk, uid, false), Arguments.of(jdk, uid, true))));
    }

    @ParameterizedTest(name = "{0}, uid {1}, agent at start: {2}")
    @MethodSource("users")
    void ordinaryUserSession(Jdk jdk, int uid, boolean agentAtStart) throws Exception {
        Path java = jdk.java(); // first: a JDK that is absent or left out skips the test before anything is made
        Path tmp = ownTmp(uid);
        List<String> as = as(uid, tmp);
        List<String> cmd = new ArrayList<>(as);
        cmd.add(java.toString());
        cmd.add("-Djava.io.tmpdir=" + tmp);
        if (agentAtStart) {
            cmd.add(TargetJvm.agentFlag(jar));
        }
        cmd.addAll(List.of("-cp", classpath, PhasedTarget.class.getName()));
        try (RunningTarget t = new RunningTarget(cmd)) {
            Cli.Run enable = Cli.runAs(as, jdk, jar, t.pid, "-enable", "1000");
            assertEquals(0, enable.exit(), enable.out() + enable.err());
            assertTrue(enable.out().contains("handle tracing enabled, Max_Traces 0x3E8"), enable.out());
            assertEquals(0, Cli.runAs(as, jdk, jar, t.pid, "-snapshot").exit());
            List<String> leaks = t.send("leak", "LEAK ", "LEAKED");
            Cli.Run diff = Cli.runAs(as, jdk, jar, t.pid, "-diff", "--format", "json");
            assertEquals(0, diff.exit(), diff.err());
            JsonNode open = diff.json().path("openHandles");
            assertEquals(3, open.size(), open.toString());
            for (String leak : leaks) {
                String[] f = leak.split("\\|");
                assertEquals(
                        1,
                        Reports.withFrame(open, PhasedTarget.class.getName(), Integer.parseInt(f[1]))
                                .size(),
                        open.toString());
            }
            String first =
                    "0x" + Integer.toHexString(Integer.parseInt(leaks.get(0).split("\\|")[0]));
            Cli.Run one = Cli.runAs(as, jdk, jar, t.pid, first);
            assertEquals(0, one.exit(), one.err());
            assertTrue(one.out().contains("Handle " + first.toUpperCase().replace("0X", "0x") + " - OPEN"), one.out());
            Cli.Run disable = Cli.runAs(as, jdk, jar, t.pid, "-disable");
            assertEquals(0, disable.exit(), disable.err());
            assertEquals(0, t.exit());
            assertFalse(t.stderrText().contains("jhtrace:"), t.stderrText());
        } finally {
            Reports.deleteTree(tmp);
        }
    }

    @ParameterizedTest(name = "{0}, uid {1}")
    @MethodSource("gateUsers")
    void theGateReadsAnOrdinaryUsersReportsAndNoOneElsesCan(Jdk jdk, int uid) throws Exception {
        Path tmp = ownTmp(uid);
        try {
            List<String> as = as(uid, tmp);
            Path reports = tmp.resolve("target/jhtrace");
            List<String> cmd = new ArrayList<>(as);
            cmd.addAll(List.of(
                    jdk.java().toString(),
                    "-Djava.io.tmpdir=" + tmp,
                    TargetJvm.agentFlag(jar) + "=report=" + reports + "/leaks-%p.json",
                    "-cp",
                    classpath,
                    SitesTarget.class.getName()));
            run(cmd.toArray(new String[0]));
            Cli.Run gate = Cli.runAs(as, jdk, jar, "check", reports);
            assertEquals(1, gate.exit(), gate.out() + gate.err());
            assertTrue(
                    gate.out()
                            .startsWith("jhtrace check: 55 leak(s) (55 open at exit, 0 reclaimed by the GC) at 2"
                                    + " site(s) in 1 of 1 report(s); 0 allowed: FAILED"),
                    gate.out());
            Cli.Run other = Cli.runAs(
                    List.of("setpriv", "--reuid=" + ATTACKER_UID, "--regid=" + ATTACKER_UID, "--clear-groups"),
                    jdk,
                    jar,
                    "check",
                    reports);
            assertEquals(2, other.exit(), other.out() + other.err());
            assertTrue(other.err().startsWith("jhtrace check: "), other.err());
            assertEquals("", other.out());
        } finally {
            Reports.deleteTree(tmp);
        }
    }

    static Stream<Arguments> gateUsers() {
        return Jdk.ends().flatMap(jdk -> Stream.of(Arguments.of(jdk, 65534), Arguments.of(jdk, NO_PASSWD_UID)));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void anotherUsersSocketIsRefused(Jdk jdk) throws Exception {
        Path channelDir = Paths.get("/tmp/.jhtrace-" + VICTIM_UID);
        Path java = jdk.java(); // first: a JDK that is absent or left out skips the test before anything is made
        Reports.deleteTree(channelDir);
        Path tmp = ownTmp(VICTIM_UID);
        List<String> victim = as(VICTIM_UID, tmp);
        List<String> cmd = new ArrayList<>(victim);
        cmd.addAll(List.of(java.toString(), "-Djava.io.tmpdir=" + tmp, "-cp", classpath, PhasedTarget.class.getName()));
        try (RunningTarget t = new RunningTarget(cmd)) {
            Path socket = channelDir.resolve(t.pid + ".sock");

            // 1. another user made the victim's socket directory and listens in it
            run(
                    "setpriv",
                    "--reuid=" + ATTACKER_UID,
                    "--regid=" + ATTACKER_UID,
                    "--clear-groups",
                    "mkdir",
                    "-m",
                    "755",
                    channelDir.toString());
            try (Fake fake = new Fake(
                    List.of("setpriv", "--reuid=" + ATTACKER_UID, "--regid=" + ATTACKER_UID, "--clear-groups"),
                    jdk,
                    socket)) {
                for (String command : List.of("-diff", "-enable")) {
                    Cli.Run r = Cli.runAs(victim, jdk, jar, t.pid, command);
                    refused(r, "belongs to uid " + ATTACKER_UID + ", not to uid " + VICTIM_UID);
                }
            }
            Reports.deleteTree(channelDir);

            // 2. the directory and the socket are the victim's, but the process answering is not (root planted it)
            Files.createDirectory(channelDir);
            run("chown", VICTIM_UID + ":" + VICTIM_UID, channelDir.toString());
            run("chmod", "700", channelDir.toString());
            try (Fake fake = new Fake(List.of(), jdk, socket)) {
                run("chown", VICTIM_UID + ":" + VICTIM_UID, socket.toString());
                refused(Cli.runAs(victim, jdk, jar, t.pid, "-diff"), "is not of uid " + VICTIM_UID);
            }

            // 3. an answer from the right uid still cannot drive the terminal
            Files.deleteIfExists(socket);
            try (Fake fake = new Fake(victim, jdk, socket)) {
                Cli.Run r = Cli.runAs(victim, jdk, jar, t.pid, "-diff");
                assertEquals(0, r.exit(), r.err());
                assertTrue(r.out().contains("no leaks here"), r.out());
                assertTrue(
                        r.out().chars().noneMatch(c -> c == 0x1b || c == 0x07),
                        "control characters reached the terminal: " + r.out());
                assertTrue(r.out().contains("\\x1B]0;owned\\x07"), r.out());
            }
            assertEquals(0, t.exit());
        } finally {
            Reports.deleteTree(channelDir);
            Reports.deleteTree(tmp);
        }
    }

    @Test
    void socketsOfDeadProcessesAreRemoved() throws Exception {
        Jdk jdk = Jdk.all().findFirst().orElseThrow();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dir = Paths.get("/tmp/.jhtrace-0");
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
            run("chmod", "700", dir.toString());
        }
        Path stale = dir.resolve(gone.pid() + ".sock");
        try (Fake fake = new Fake(List.of(), jdk, stale)) {
            fake.process.destroyForcibly().waitFor(); // killed: its socket file stays behind
        }
        assertTrue(Files.exists(stale), "the killed process left its socket");
        try (RunningTarget t = new RunningTarget(CliIT.command(jdk, true))) {
            // the channel, which removes them, opens a moment after start-up (the native start reaches main sooner)
            long until = System.nanoTime() + 30_000_000_000L;
            while (Files.exists(stale) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertFalse(Files.exists(stale), "the agent that started next should have removed " + stale);
            assertEquals(0, t.exit());
        } finally {
            Files.deleteIfExists(stale);
        }
    }

    private static void refused(Cli.Run r, String reason) {
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(reason), r.err());
    }

    /** A temporary directory of the user's own, as TMPDIR. */
    private static Path ownTmp(int uid) throws Exception {
        Path tmp = Files.createTempDirectory("jhtrace-tmp-" + uid);
        run("chown", uid + ":" + uid, tmp.toString());
        run("chmod", "700", tmp.toString());
        return tmp;
    }

    private static List<String> as(int uid, Path tmp) {
        return List.of(
                "setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "env", "TMPDIR=" + tmp, "HOME=" + tmp);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    /** A {@link FakeAgent} listening at a socket, as some user. */
    private static final class Fake implements AutoCloseable {
        final Process process;

        Fake(List<String> as, Jdk jdk, Path socket) throws Exception {
            List<String> cmd = new ArrayList<>(as);
            cmd.addAll(List.of(jdk.java().toString(), "-cp", classpath, FakeAgent.class.getName(), socket.toString()));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()));
            String l = r.readLine();
            assertEquals("LISTENING", l, "the fake agent did not start");
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly().waitFor();
        }
    }
}
