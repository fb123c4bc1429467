package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jhtrace.it.targets.HelloTarget;
import dev.jhtrace.it.targets.OneClassAgent;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jhtrace beside another {@code -javaagent}, before and after it: a one-class agent and JaCoCo. The JVM once hung at
 * start-up in some of these runs (a hook loading an agent class while {@code main} held the class path's lock, see
 * HookPath); every start here must finish, print the program's line, and report the program's leaks.
 */
class OtherAgentsIT {
    /** Starts per agent, order and JDK ({@code -Djhtrace.agents.starts=} to change). */
    private static final int STARTS = Integer.getInteger("jhtrace.agents.starts", 100);

    private static final long START_TIMEOUT_SECONDS = 60;
    private static Path dir;
    private static Path oneClassJar;

    @BeforeAll
    static void packAgent() throws Exception {
        dir = Files.createTempDirectory("jhtrace-agents");
        oneClassJar = dir.resolve("oneclass.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), OneClassAgent.class.getName());
        String entry = OneClassAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(oneClassJar);
                JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry(entry));
            jar.write(Files.readAllBytes(
                    Paths.get(System.getProperty("jhtrace.targets.classpath", "target/test-classes"), entry)));
            jar.closeEntry();
        }
    }

    @AfterAll
    static void cleanUp() {
        Reports.deleteTree(dir);
    }

    static Stream<Arguments> cases() {
        return Jdk.ends()
                .flatMap(jdk -> Stream.of("oneclass", "jacoco")
                        .flatMap(agent -> Stream.of(Arguments.of(jdk, agent, true), Arguments.of(jdk, agent, false))));
    }

    @ParameterizedTest(name = "{0}, {1}, jhtrace first: {2}")
    @MethodSource("cases")
    void everyStartFinishes(Jdk jdk, String agent, boolean jhtraceFirst) throws Exception {
        Path java = jdk.java();
        String other = agent.equals("oneclass") ? "-javaagent:" + oneClassJar : jacoco();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                int n = i;
                runs.add(pool.submit(() -> start(java, other, jhtraceFirst, n)));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : runs) {
                String failure = f.get(10, TimeUnit.MINUTES);
                if (failure != null) {
                    failures.add(failure);
                }
            }
            assertEquals(List.of(), failures, failures.size() + " of " + STARTS + " starts failed");
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return null if the start went as it should, else what went wrong */
    private static String start(Path java, String other, boolean jhtraceFirst, int n) throws Exception {
        Path report = dir.resolve("report-" + System.nanoTime() + ".json");
        String jhtrace = TargetJvm.agentFlag() + "=report=" + report;
        // the target's temporary file (it leaks one on purpose) goes into this test's directory, deleted after
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + dir));
        cmd.addAll(
                jhtraceFirst
                        ? List.of(jhtrace, other.replace("%N", Integer.toString(n)))
                        : List.of(other.replace("%N", Integer.toString(n)), jhtrace));
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("jhtrace.targets.classpath", "target/test-classes"),
                HelloTarget.class.getName(),
                "leak"));
        Path out = dir.resolve("out-" + n + "-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                String dump = threadDump(p.pid());
                p.destroyForcibly();
                return "start " + n + " hung for " + START_TIMEOUT_SECONDS + " s: " + String.join(" ", cmd) + "\n"
                        + dump;
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0 || !text.contains("hello from the target")) {
                return "start " + n + " exited " + p.exitValue() + ": " + text;
            }
            if (text.contains("jhtrace:")) {
                return "start " + n + " printed a warning: " + text;
            }
            String json = Files.readString(report);
            for (String line :
                    text.lines().filter(l -> l.startsWith("LEAKLINE ")).toList()) {
                if (!json.contains("\"class\":\"" + HelloTarget.class.getName()
                        + "\",\"method\":\"main\",\"file\":\"HelloTarget.java\",\"line\":"
                        + line.substring(9).trim())) {
                    return "start " + n + ": the report does not name the leak at line " + line + ": " + json;
                }
            }
            return null;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(report);
        }
    }

    private static String threadDump(long pid) {
        try {
            Process jstack = new ProcessBuilder(
                            Paths.get(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid),
                            "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            jstack.waitFor(20, TimeUnit.SECONDS);
            return new String(jstack.getInputStream().readAllBytes());
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static String jacoco() {
        String jar = System.getProperty("jhtrace.test.jacoco");
        Assumptions.assumeTrue(
                jar != null && Files.isRegularFile(Paths.get(jar)), "no JaCoCo agent jar (-Djhtrace.test.jacoco)");
        // its data into this test's directory, one file per start (without destfile= it writes jacoco.exec into the
        // working directory, the module's source tree: the jacoco-agent.destfile property is only the offline
        // runtime's)
        return "-javaagent:" + jar + "=destfile=" + dir.resolve("jacoco-%N.exec");
    }
}
