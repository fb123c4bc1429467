package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Questions the tests ask of a JSON report. */
public final class Reports {
    private Reports() {}

    /** @return true if {@code stack} has a frame of {@code className} at {@code line} */
    public static boolean hasFrame(JsonNode entry, String className, int line) {
        for (JsonNode f : entry.path("stack")) {
            if (className.equals(f.path("class").asText()) && f.path("line").asInt() == line) {
                return true;
            }
        }
        return false;
    }

    /** @return entries of {@code array} whose stack has a frame of {@code className} at {@code line} */
    public static List<JsonNode> withFrame(JsonNode array, String className, int line) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : array) {
            if (hasFrame(e, className, line)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Asserts what {@code HelloTarget leak} left: three handles open, all three at the line it printed.
     *
     * @param r      the target's run
     * @param report its JSON report
     */
    public static void assertHelloTargetsThreeLeaks(TargetJvm.Result r, java.nio.file.Path report)
            throws java.io.IOException {
        List<String> lines = r.lines("LEAKLINE ");
        org.junit.jupiter.api.Assertions.assertEquals(3, lines.size(), r.stdout());
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        org.junit.jupiter.api.Assertions.assertEquals(
                3, json.path("openHandles").size(), json.toString());
        org.junit.jupiter.api.Assertions.assertEquals(
                3,
                withFrame(
                                json.path("openHandles"),
                                dev.jhtrace.it.targets.HelloTarget.class.getName(),
                                Integer.parseInt(lines.get(0)))
                        .size(),
                json.toString());
    }

    /** @return the handle numbers of the entries of {@code array} */
    public static List<Integer> handles(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : array) {
            out.add(e.path("handle").asInt());
        }
        return out;
    }

    /** Removes a directory tree a test made (tests clean up what they create). */
    public static void deleteTree(java.nio.file.Path dir) {
        if (dir == null || !java.nio.file.Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort
        }
    }
}
