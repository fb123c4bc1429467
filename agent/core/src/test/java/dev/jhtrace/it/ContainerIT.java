package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.ContainerTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * JVMs in real containers (Testcontainers, Docker): a uid without a passwd entry, the container's own pid and mount
 * namespaces, no network, the host's JDKs bind-mounted read-only, the jhtrace jar only where a test mounts it.
 *
 * <p>Needs a Docker engine and the local base image {@value #IMAGE} ({@code .ci/run} builds it with debootstrap:
 * no registry is reachable here); without either the tests are reported as skipped, saying which.
 */
class ContainerIT {
    /** The base image .ci/run builds: Debian bookworm minbase, imported. */
    static final String IMAGE = "jhtrace-base:bookworm";

    /** A uid with no passwd entry in the image, as orchestrators run containers. */
    private static final String USER = "12345:12345";

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsDocker() {
        String noDocker = noDocker();
        Assumptions.assumeTrue(noDocker == null, "no Docker engine (.ci/run installs and starts one): " + noDocker);
        Assumptions.assumeTrue(
                DockerClientFactory.instance()
                                .client()
                                .listImagesCmd()
                                .withImageNameFilter(IMAGE)
                                .exec()
                                .size()
                        > 0,
                "no base image " + IMAGE + " (.ci/run builds it with debootstrap and docker import)");
    }

    /** @return null when a Docker engine answers, else why not */
    private static String noDocker() {
        try {
            DockerClientFactory.instance().client();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return String.valueOf(e);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theReportIsWrittenOnDockerStop(Jdk jdk) throws Exception {
        Path out = Files.createDirectory(
                dir.resolve("out"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
        try (GenericContainer<?> c = container(jdk)
                .withFileSystemBind(TargetJvm.agentJar().toString(), "/jhtrace/jhtrace.jar", BindMode.READ_ONLY)
                .withFileSystemBind(TargetJvm.agentLibrary().toString(), "/jhtrace/libjhtrace.so", BindMode.READ_ONLY)
                .withFileSystemBind(out.toString(), "/out", BindMode.READ_WRITE)
                .withEnv(
                        "JAVA_TOOL_OPTIONS",
                        TargetJvm.agentFlag(Paths.get("/jhtrace/jhtrace.jar")) + "=report=/out/leaks-%p.json")) {
            c.start();
            int line = line(c.getLogs(), "LEAKED ");
            // SIGTERM, as docker stop and Kubernetes send it: the JVM's shutdown hooks run, the report is written
            c.getDockerClient()
                    .stopContainerCmd(c.getContainerId())
                    .withTimeout(60)
                    .exec();
            Path report = out.resolve("leaks-1.json"); // the JVM is pid 1 in its namespace
            assertTrue(Files.exists(report), "no report; the container said: " + c.getLogs());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report)));
            assertEquals(12345, (Integer) Files.getAttribute(report, "unix:uid"), "written as the container's user");
            JsonNode r = JSON.readTree(report.toFile());
            assertEquals(
                    2,
                    Reports.withFrame(r.path("openHandles"), ContainerTarget.class.getName(), line)
                            .size(),
                    r.path("openHandles").toString());
            assertEquals(
                    ContainerTarget.class.getName() + ".main(ContainerTarget.java:" + line + ")",
                    r.path("sites").get(0).path("site").asText());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theCliInsideTheContainerAttachesToItsJvm(Jdk jdk) throws Exception {
        // kubectl exec / docker exec: the jar put in the container, the CLI run there as the JVM's own user
        try (GenericContainer<?> c = container(jdk)
                .withFileSystemBind(TargetJvm.agentJar().toString(), "/jhtrace/jhtrace.jar", BindMode.READ_ONLY)) {
            c.start();
            String java = jdk.java().toString();
            Container.ExecResult enable = c.execInContainer(java, "-jar", "/jhtrace/jhtrace.jar", "1", "-enable");
            assertEquals(0, enable.getExitCode(), enable.getStdout() + enable.getStderr());
            assertTrue(enable.getStdout().contains("snapshot taken"), enable.getStdout());
            assertEquals(0, c.execInContainer("touch", "/tmp/jhtrace-go").getExitCode());
            long end = System.nanoTime() + 30_000_000_000L;
            while (!c.getLogs().contains("LEAKED2 ") && System.nanoTime() - end < 0) {
                Thread.sleep(50);
            }
            int line = line(c.getLogs(), "LEAKED2 ");
            Container.ExecResult diff = c.execInContainer(java, "-jar", "/jhtrace/jhtrace.jar", "1", "-diff");
            assertEquals(0, diff.getExitCode(), diff.getStdout() + diff.getStderr());
            String site = ContainerTarget.class.getName() + ".main(ContainerTarget.java:" + line + ")";
            assertTrue(
                    diff.getStdout().contains("2 handle(s) opened since the last snapshot and still open"),
                    diff.getStdout());
            assertTrue(diff.getStdout().contains(site), diff.getStdout());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theCliOnTheHostAttachesIntoTheContainer(Jdk jdk) throws Exception {
        // the JVM in its own pid and mount namespaces, without the jar, as a uid the host may not know; the CLI on
        // the host, as root (it acts as the JVM's uid, with setpriv), from a jar that uid can read
        Assumptions.assumeTrue(
                Files.getAttribute(Paths.get("/proc/self/"), "unix:uid").equals(0),
                "attaching into a container from the host needs root here");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Path jar = Files.copy(TargetJvm.agentJar(), shared.resolve("jhtrace.jar"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        try (GenericContainer<?> c = container(jdk)) {
            c.start();
            long hostPid = c.getContainerInfo().getState().getPidLong();
            String enable = cli(jdk, jar, hostPid, "-enable");
            assertTrue(enable.contains("Agent loaded into process " + hostPid), enable);
            assertTrue(enable.contains("snapshot taken"), enable);
            assertEquals(0, c.execInContainer("touch", "/tmp/jhtrace-go").getExitCode());
            long end = System.nanoTime() + 30_000_000_000L;
            while (!c.getLogs().contains("LEAKED2 ") && System.nanoTime() - end < 0) {
                Thread.sleep(50);
            }
            int line = line(c.getLogs(), "LEAKED2 ");
            String diff = cli(jdk, jar, hostPid, "-diff");
            assertTrue(diff.contains("2 handle(s) opened since the last snapshot and still open"), diff);
            assertTrue(
                    diff.contains(ContainerTarget.class.getName() + ".main(ContainerTarget.java:" + line + ")"), diff);
            // the copy of the jar the JVM loads is in the container's /tmp, its user's, owner-only
            Container.ExecResult ls = c.execInContainer("sh", "-c", "stat -c '%a %u' /tmp/jhtrace-*.jar");
            assertEquals("600 12345", ls.getStdout().trim(), ls.getStdout() + ls.getStderr());
        }
    }

    /** Runs the CLI on the host; returns its output, after checking it succeeded. */
    private static String cli(Jdk jdk, Path jar, long pid, String command) throws Exception {
        Process p = new ProcessBuilder(jdk.java().toString(), "-jar", jar.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the CLI did not finish");
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    /** The target as uid 12345 (no passwd entry), no network, the host's JDKs and test classes read-only. */
    private static GenericContainer<?> container(Jdk jdk) {
        Assumptions.assumeTrue(Files.isExecutable(jdk.java()), "no " + jdk.name() + " at " + jdk.home());
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("none")
                .withCreateContainerCmdModifier(cmd -> cmd.withUser(USER))
                .withFileSystemBind("/usr/lib/jvm", "/usr/lib/jvm", BindMode.READ_ONLY)
                .withFileSystemBind(System.getProperty("jhtrace.targets.classpath"), "/app", BindMode.READ_ONLY)
                .withCommand(jdk.java().toString(), "-cp", "/app", ContainerTarget.class.getName(), "/tmp/jhtrace-go")
                .waitingFor(Wait.forLogMessage(".*READY .*\\n", 1).withStartupTimeout(Duration.ofSeconds(60)));
        // Debian's JDK 17 links its configuration (java.security, jvm.cfg) to /etc
        for (String etc : List.of("/etc/java-17-openjdk")) {
            if (Files.isDirectory(Paths.get(etc))) {
                c.withFileSystemBind(etc, etc, BindMode.READ_ONLY);
            }
        }
        return c;
    }

    private static int line(String logs, String prefix) {
        Matcher m = Pattern.compile("(?m)^" + prefix + "(\\d+)$").matcher(logs);
        assertTrue(m.find(), "no " + prefix + "line in: " + logs);
        return Integer.parseInt(m.group(1));
    }
}
