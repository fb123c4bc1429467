package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.PhasedTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way the CLI can be refused: a one-line reason, a non-zero exit, and the target unharmed. */
class CliErrorsIT {

    private static void refused(Cli.Run r, int exit, String reason) {
        assertEquals(exit, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("jhtrace: ") && r.err().contains(reason), r.err());
        assertEquals("", r.out());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void badInputAndMissingProcesses(Jdk jdk) throws Exception {
        refused(Cli.run(jdk, "12x", "-diff"), 2, "not a process id");
        refused(Cli.run(jdk, 999_999_999, "-diff"), 1, "no process 999999999");
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            refused(Cli.run(jdk, sleep.pid(), "-enable"), 1, "is not a Java VM");
        } finally {
            sleep.destroyForcibly();
        }
        try (RunningTarget t = new RunningTarget(CliIT.command(jdk, false))) {
            refused(Cli.run(jdk, t.pid, "-diff"), 1, "not enabled in process " + t.pid);
            refused(Cli.run(jdk, t.pid, "zz"), 2, "not a handle: 'zz'");
            refused(Cli.run(jdk, t.pid, "0x1c", "lots"), 2, "not a trace count: 'lots'");
            refused(Cli.run(jdk, t.pid, "-enable", "-5"), 2, "not a trace count");
            refused(Cli.run(jdk, t.pid, "-frobnicate"), 2, "unknown command '-frobnicate'");
            refused(Cli.run(jdk, t.pid, "-diff", "--format", "xml"), 2, "unknown format 'xml'");
            assertEquals(List.of(""), t.send("ping", "PONG", null));
            assertEquals("", t.stderrText(), "nothing happened to the target");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void targetThatForbidsDynamicAgents(Jdk jdk) throws Exception {
        List<String> cmd = new ArrayList<>(CliIT.command(jdk, false));
        cmd.add(1, "-XX:-EnableDynamicAgentLoading");
        try (RunningTarget t = new RunningTarget(cmd)) {
            Cli.Run r = Cli.run(jdk, t.pid, "-enable");
            refused(r, 1, "-javaagent");
            assertEquals(List.of(""), t.send("ping", "PONG", null));
            assertEquals(0, t.exit());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void rootControlsAnotherUsersJvm(Jdk jdk) throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "needs root to start a target as user nobody (running as " + System.getProperty("user.name") + ")");
        Path java = jdk.java(); // first: a JDK left out of this round skips the test, which then leaves nothing behind
        // a copy of the target class that nobody can read, wherever the build tree is
        Path dir = Files.createTempDirectory("jhtrace-nobody");
        Path pkg = Files.createDirectories(dir.resolve("dev/jhtrace/it/targets"));
        Files.copy(
                Path.of(
                        System.getProperty("jhtrace.targets.classpath", "target/test-classes"),
                        "dev/jhtrace/it/targets/PhasedTarget.class"),
                pkg.resolve("PhasedTarget.class"));
        for (Path p = pkg; !p.equals(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(pkg.resolve("PhasedTarget.class"), PosixFilePermissions.fromString("rw-r--r--"));
        // and of the jar: root's CLI runs itself again as nobody, from the jar it runs from
        Path jar = Files.copy(TargetJvm.agentJar(), dir.resolve("jhtrace.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                java.toString(),
                "-cp",
                dir.toString(),
                PhasedTarget.class.getName()));
        try (RunningTarget t = new RunningTarget(cmd)) {
            // root acts as the target's user (the agent and the attach protocol accept only their own uid)
            Cli.Run enable = Cli.runAs(List.of(), jdk, jar, t.pid, "-enable");
            assertEquals(0, enable.exit(), enable.out() + enable.err());
            assertTrue(enable.out().startsWith("Agent loaded into process " + t.pid), enable.out());
            assertEquals(0, Cli.runAs(List.of(), jdk, jar, t.pid, "-snapshot").exit());
            List<String> leaks = t.send("leak", "LEAK ", "LEAKED");
            Cli.Run diff = Cli.runAs(List.of(), jdk, jar, t.pid, "-diff", "--format", "json");
            assertEquals(0, diff.exit(), diff.err());
            assertEquals(leaks.size(), diff.json().path("openHandles").size(), diff.out());
            assertEquals(List.of(""), t.send("ping", "PONG", null));
            assertEquals(0, t.exit());
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
