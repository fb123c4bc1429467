package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.HelloTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both starts run the agent's classes in a class loader of their own ({@code JarClassLoader}): the application's
 * class loader holds none of them, but for the two that hand {@code -javaagent} over to it (issue 16: a third faster
 * to load than through the class path, and no class path lock for a hook to wait for, so no ASM before {@code main}).
 * Told from {@code -Xlog:class+load=debug}, which names each class's defining loader.
 */
class AgentLoaderIT {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theAgentsClassesAreInALoaderOfTheirOwn(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-loaderit");
        try {
            Path log = dir.resolve("classes.log");
            Path report = dir.resolve("report.json");
            TargetJvm.Result r = TargetJvm.run(
                    jdk,
                    List.of(
                            "-Xlog:class+load=debug:file=" + log + ":none",
                            TargetJvm.agentFlag() + "=report=" + report),
                    HelloTarget.class,
                    "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            // the agent traced: the leak is in the report, with the line of HelloTarget that made it
            assertTrue(Files.readString(report).contains("HelloTarget"), "no leak of HelloTarget reported");

            Map<String, String> loaders = loaders(Files.readAllLines(log));
            List<String> inApplicationLoader = new ArrayList<>();
            for (Map.Entry<String, String> e : loaders.entrySet()) {
                if (e.getKey().startsWith("dev.jhtrace.")
                        && !e.getKey().startsWith("dev.jhtrace.it.")
                        && e.getValue().contains("'jdk/internal/loader/ClassLoaders$AppClassLoader'")) {
                    inApplicationLoader.add(e.getKey());
                }
            }
            assertEquals(
                    TargetJvm.nativeStart()
                            ? List.of()
                            : List.of(
                                    "dev.jhtrace.agent.loader.JarClassLoader",
                                    "dev.jhtrace.agent.loader.JavaagentEntry"),
                    inApplicationLoader);
            for (String agentClass : List.of("dev.jhtrace.agent.JhtraceAgent", "dev.jhtrace.agent.Analyzer")) {
                assertTrue(
                        loaders.getOrDefault(agentClass, "not loaded")
                                .contains("'dev/jhtrace/agent/loader/JarClassLoader'"),
                        agentClass + ": " + loaders.get(agentClass));
            }
        } finally {
            Reports.deleteTree(dir);
        }
    }

    /** @return each class the log names, with its defining loader as the debug line after it says */
    private static Map<String, String> loaders(List<String> log) {
        Map<String, String> out = new TreeMap<>();
        String pending = null;
        for (String line : log) {
            if (line.startsWith(" klass: ") && pending != null) {
                int at = line.indexOf("loader: ");
                out.put(pending, at < 0 ? "" : line.substring(at));
                pending = null;
            } else if (!line.startsWith(" ")) {
                int space = line.indexOf(' ');
                pending = space < 0 ? null : line.substring(0, space);
            }
        }
        return out;
    }
}
