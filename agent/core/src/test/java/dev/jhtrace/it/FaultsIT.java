package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.ExitRaceTarget;
import dev.jhtrace.it.targets.HelloTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults around the report and the channel: a full disk, a FIFO or a device as the report path, several threads
 * calling {@code System.exit} during the shutdown report, the target killed in the middle of a command. Each ends
 * in a clear message, no hang, nothing thrown into the application, and never half a report under the final name.
 */
class FaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String agent(String options) {
        return TargetJvm.agentFlag() + "=" + options;
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void aFullDiskLeavesNoHalfReportAndSaysSo(Jdk jdk) throws Exception {
        Assumptions.assumeTrue(root(), "mounting a small tmpfs needs root; CI runs as root");
        Path mount = Files.createTempDirectory("jhtrace-full");
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", mount.toString())
                .inheritIO()
                .start();
        Assumptions.assumeTrue(m.waitFor() == 0, "mount -t tmpfs failed here");
        try {
            Files.write(mount.resolve("filler"), new byte[12 * 1024]); // leaves a few KB: less than a report of 3 leaks
            Path report = mount.resolve("leaks.json");
            TargetJvm.Result r = TargetJvm.run(
                    jdk,
                    List.of(agent("report=" + report + ",format=json,traces=all,max=5000")),
                    HelloTarget.class,
                    "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(3, r.lines("LEAKLINE ").size(), r.stdout());
            assertFalse(Files.exists(report), "a half-written report under the final name");
            try (var left = Files.list(mount)) {
                assertEquals(List.of(mount.resolve("filler")), left.toList(), "the temporary file is removed");
            }
            assertTrue(
                    r.stderr().contains("could not write the leak report")
                            && r.stderr().contains("No space left"),
                    r.stderr());
            assertTrue(
                    r.stderr().contains("handle(s) still open at exit"),
                    "the leaks go to stderr instead: " + r.stderr());
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
            Files.deleteIfExists(mount);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void aFifoOrADeviceIsRefusedAndTheJvmExits(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-fifo");
        try {
            Path fifo = dir.resolve("report.fifo");
            assertEquals(
                    0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            long start = System.nanoTime();
            TargetJvm.Result r = TargetJvm.run(jdk, List.of(agent("report=" + fifo)), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "the JVM's exit waited on the FIFO");
            assertTrue(r.stderr().contains("not a regular file"), r.stderr());
            String before =
                    Files.getAttribute(Path.of("/dev/null"), "unix:mode").toString();
            TargetJvm.Result dev = TargetJvm.run(jdk, List.of(agent("report=/dev/null")), HelloTarget.class, "leak");
            assertEquals(0, dev.exitCode(), dev.stderr());
            assertTrue(dev.stderr().contains("not a regular file"), dev.stderr());
            assertEquals(
                    before,
                    Files.getAttribute(Path.of("/dev/null"), "unix:mode").toString(),
                    "the device's mode changed");
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void systemExitFromSeveralThreadsDuringTheReport(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-exit-race");
        try {
            Path report = dir.resolve("leaks.json");
            TargetJvm.Result r =
                    TargetJvm.run(jdk, List.of(agent("report=" + report + ",format=json")), ExitRaceTarget.class);
            assertEquals(3, r.exitCode(), r.stderr());
            assertFalse(r.stderr().contains("Exception"), r.stderr());
            JsonNode json = JSON.readTree(Files.readString(report)); // whole: it parses
            int line = Integer.parseInt(r.lines("LEAKLINE ").get(0));
            assertEquals(
                    3,
                    Reports.withFrame(json.path("openHandles"), ExitRaceTarget.class.getName(), line)
                            .size(),
                    json.toString());
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void aTargetKilledInTheMiddleOfACommand(Jdk jdk) throws Exception {
        try (RunningTarget t = new RunningTarget(CliIT.command(jdk, true))) {
            assertEquals(0, Cli.run(jdk, t.pid, "-enable").exit());
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    new ProcessBuilder("kill", "-9", String.valueOf(t.pid))
                            .start()
                            .waitFor();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            killer.start();
            // a loop of commands, one of which the kill interrupts: each ends with an answer or one clear line
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Cli.Run last;
            do {
                last = Cli.run(jdk, t.pid, "0", "100");
                assertFalse(last.err().contains("Exception") || last.err().contains("\tat "), last.err());
            } while (last.exit() == 0 && System.nanoTime() < deadline);
            killer.join();
            assertTrue(
                    last.err().startsWith("jhtrace: ")
                            && last.err().strip().lines().count() == 1,
                    last.err());
        }
    }
}
