package dev.jhtrace.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each example, run under the built agent as the README says, still leaks what {@code expected/} shows:
 * the same number of handles opened from each line of the example.
 */
class ExamplesIT {
    /** Where this test's reports go; JUnit deletes it after each test. */
    @org.junit.jupiter.api.io.TempDir
    Path scratch;

    private static final Pattern EXAMPLE_FRAME = Pattern.compile("at dev\\.jhtrace\\.examples\\.(\\w+)\\.main\\(\\w+\\.java:(\\d+)\\)");

    @ParameterizedTest
    @ValueSource(strings = {"LeakyFiles", "LeakySockets", "LeakySelector"})
    void exampleLeaksWhatItsExpectedReportShows(String example) throws Exception {
        Path dir = Files.createTempDirectory(scratch, "jhtrace-example");
        Path report = dir.resolve("leaks.json");
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + System.getProperty("jhtrace.jar") + "=report=" + report,
                "-cp", System.getProperty("jhtrace.examples.classes"), "dev.jhtrace.examples." + example)
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out")));

        TreeMap<Integer, Integer> actual = new TreeMap<>();
        for (JsonNode h : new ObjectMapper().readTree(report.toFile()).path("openHandles")) {
            for (JsonNode f : h.path("stack")) {
                if (f.path("class").asText().equals("dev.jhtrace.examples." + example) && f.path("method").asText().equals("main")) {
                    actual.merge(f.path("line").asInt(), 1, Integer::sum);
                }
            }
        }
        assertEquals(expected(example), actual, "handles per line of " + example + ".java");
    }

    /** @return line → number of open handles, from the expected text report (groups list their handles) */
    private static TreeMap<Integer, Integer> expected(String example) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(System.getProperty("jhtrace.examples.expected"), example + ".txt"));
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        int groupSize = 1;
        for (String l : lines) {
            Matcher group = Pattern.compile("^(\\d+) handles still open").matcher(l);
            if (group.find()) {
                groupSize = Integer.parseInt(group.group(1));
            } else if (l.startsWith("Untraced")) {
                break;
            }
            Matcher m = EXAMPLE_FRAME.matcher(l);
            if (m.find() && m.group(1).equals(example)) {
                counts.merge(Integer.parseInt(m.group(2)), groupSize, Integer::sum);
            }
            if (l.startsWith("-----")) {
                groupSize = 1;
            }
        }
        return counts;
    }
}
