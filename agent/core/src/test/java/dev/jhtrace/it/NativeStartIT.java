package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.HelloTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native start, {@code -agentpath:libjhtrace.so}, whatever start the rest of the suite runs with: the same
 * report as {@code -javaagent}, the JVM's archived module graph kept (its reason to exist), the agent's classes out
 * of the application's class loader, and a JVM that starts with a one-line reason when the jar is not found.
 */
class NativeStartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String flag() {
        return "-agentpath:" + TargetJvm.agentLibrary();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theNativeStartReportsTheLeakedLinesAndKeepsTheModuleGraph(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-native-start");
        try {
            Path report = dir.resolve("leaks.json");
            TargetJvm.Result r =
                    TargetJvm.run(jdk, List.of("-Xlog:cds", flag() + "=report=" + report), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().contains("full module graph: enabled"), r.stdout());
            assertFalse(r.stderr().contains("jhtrace:"), r.stderr());
            List<String> lines = r.lines("LEAKLINE ");
            assertEquals(3, lines.size(), r.stdout());
            JsonNode json = JSON.readTree(report.toFile());
            assertEquals(
                    3,
                    Reports.withFrame(
                                    json.path("openHandles"),
                                    HelloTarget.class.getName(),
                                    Integer.parseInt(lines.get(0)))
                            .size(),
                    json.toString());
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theAgentsClassesAreNotTheApplicationsAndTheJarIsNotOnItsClassPath(Jdk jdk) throws Exception {
        TargetJvm.Result r =
                TargetJvm.run(jdk, List.of(flag(), "-Djhtrace.probe=dev.jhtrace.agent.JhtraceAgent"), ClassProbe.class);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(List.of("hidden"), r.lines("PROBE "), r.stdout());
        assertEquals(List.of("false"), r.lines("CLASSPATH-HAS-JAR "), r.stdout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aMissingJarIsOneLineAndTheProgramRuns(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-native-nojar");
        try {
            // the library alone, and a jar= naming a path with a newline and an escape byte
            Path lib = Files.copy(TargetJvm.agentLibrary(), dir.resolve("libjhtrace.so"));
            TargetJvm.Result alone = TargetJvm.run(jdk, List.of("-agentpath:" + lib), HelloTarget.class);
            assertEquals(0, alone.exitCode(), alone.stderr());
            assertTrue(alone.stdout().contains("hello from the target"), alone.stdout());
            assertEquals(
                    "jhtrace: the native start found no readable agent jar at " + dir.resolve("jhtrace.jar")
                            + " (it looks beside libjhtrace.so; jar=PATH names another); tracing is off",
                    alone.stderr().strip());
            TargetJvm.Result hostile = TargetJvm.run(
                    jdk, List.of("-agentpath:" + lib + "=jar=/no/such\n\u001b[2J.jar"), HelloTarget.class);
            assertEquals(0, hostile.exitCode(), hostile.stderr());
            assertEquals(1, hostile.stderr().strip().lines().count(), hostile.stderr());
            assertTrue(hostile.stderr().contains("/no/such\\x0a\\x1b[2J.jar"), hostile.stderr());
            // jar= names the real one: tracing runs
            TargetJvm.Result named = TargetJvm.run(
                    jdk,
                    List.of("-agentpath:" + lib + "=jar=" + TargetJvm.agentJar().toAbsolutePath()),
                    HelloTarget.class);
            assertEquals(0, named.exitCode(), named.stderr());
            assertEquals("", named.stderr().strip());
        } finally {
            Reports.deleteTree(dir);
        }
    }

    /** Prints whether the application's class loader can see a class, and whether the jar is on its class path. */
    public static final class ClassProbe {
        public static void main(String[] args) {
            String name = System.getProperty("jhtrace.probe");
            String seen;
            try {
                Class.forName(name, false, ClassLoader.getSystemClassLoader());
                seen = "visible";
            } catch (ClassNotFoundException e) {
                seen = "hidden";
            }
            System.out.println("PROBE " + seen);
            System.out.println(
                    "CLASSPATH-HAS-JAR " + System.getProperty("java.class.path").contains("jhtrace.jar"));
        }
    }
}
