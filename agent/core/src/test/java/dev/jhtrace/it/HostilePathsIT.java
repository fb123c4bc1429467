package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.HostilePathsTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Paths with newlines and escape bytes: the native descriptor listing is not cut short at a newline (every leak after
 * one was taken for closed), the JSON report keeps the bytes exactly, and the text report and the stderr summary
 * print them escaped (one entry per line, nothing that drives a terminal).
 */
class HostilePathsIT {
    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void everyLeakIsReportedAndEscaped(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", HostilePathsTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> lines = r.lines("LEAK ");
        assertEquals(15, lines.size(), r.stdout());
        JsonNode open = r.report().path("openHandles");
        for (String line : new java.util.TreeSet<>(lines)) {
            long leaked = lines.stream().filter(line::equals).count();
            assertEquals(
                    leaked,
                    Reports.withFrame(open, HostilePathsTarget.class.getName(), Integer.parseInt(line))
                            .size(),
                    "the leaks at line " + line + " (the plain ones have higher numbers than the ones with a newline): "
                            + open);
        }
        assertTrue(open.toString().contains("new\\nline"), "JSON keeps the newline, escaped as JSON does: " + open);

        Path dir = Files.createTempDirectory("jhtrace-hostile-txt");
        try {
            Path txt = dir.resolve("leaks.txt");
            TargetJvm.Result t =
                    TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=report=" + txt), HostilePathsTarget.class);
            assertEquals(0, t.exitCode(), t.stderr());
            String text = Files.readString(txt);
            assertFalse(
                    text.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == '\t'),
                    "raw control characters in the text report");
            assertTrue(text.contains("/new\\x0Aline"), text);
            assertFalse(
                    text.lines().anyMatch(l -> l.equals("line") || l.startsWith("line ")),
                    "a path split an entry: " + text);

            TargetJvm.Result s = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag()), HostilePathsTarget.class);
            assertTrue(s.stderr().contains("15 handle(s) still open at exit"), s.stderr());
            assertFalse(
                    s.stderr().chars().anyMatch(c -> c == 0x1b || c == 0x07),
                    "raw control characters in the summary: " + s.stderr());
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
