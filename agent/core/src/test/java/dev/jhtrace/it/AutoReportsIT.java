package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.EmfileTarget;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reports written while the program runs: once when its open handles first exceed {@code threshold=}, and once at the
 * first "Too many open files", each naming the leaking line, for java.io and NIO; the program (under
 * {@code ulimit -n 256}) hits the limit twice, and still gets one of each.
 */
class AutoReportsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Jdk.ends().flatMap(jdk -> Stream.of(Arguments.of(jdk, "io"), Arguments.of(jdk, "nio")));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void oneReportAtTheThresholdAndOneAtTheLimit(Jdk jdk, String mode) throws Exception {
        Path report = dir.resolve("leaks.json");
        Run run = run(jdk, mode, "=report=" + report + ",threshold=100");
        String leakFrame = EmfileTarget.class.getName() + ".exhaust(EmfileTarget.java:" + run.line + ")";
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names =
                    files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(
                    List.of("err", "leaks.emfile.json", "leaks.json", "leaks.threshold.json"),
                    names,
                    "one report of each: " + run.err);
        }
        JsonNode threshold = JSON.readTree(dir.resolve("leaks.threshold.json").toFile());
        assertTrue(
                threshold
                        .path("warnings")
                        .get(0)
                        .asText()
                        .startsWith(
                                "this report was written because the program's open handles exceeded threshold=100 ("),
                threshold.path("warnings").toString());
        assertEquals(leakFrame, threshold.path("sites").get(0).path("site").asText());
        assertTrue(
                threshold.path("sites").get(0).path("count").asInt() > 100,
                threshold.path("sites").toString());

        JsonNode emfile = JSON.readTree(dir.resolve("leaks.emfile.json").toFile());
        String why = emfile.path("warnings").get(0).asText();
        assertTrue(why.startsWith("this report was written at the first 'Too many open files': "), why);
        assertTrue(why.endsWith(" at " + leakFrame), "names the line that failed: " + why);
        assertEquals(leakFrame, emfile.path("sites").get(0).path("site").asText());
        assertTrue(
                emfile.path("sites").get(0).path("count").asInt() > 200,
                emfile.path("sites").toString());

        assertTrue(
                run.err.contains("jhtrace: report " + dir.resolve("leaks.threshold.json") + " written because"),
                run.err);
        assertTrue(
                run.err.contains("jhtrace: report " + dir.resolve("leaks.emfile.json") + " written at the first"),
                run.err);
        assertEquals(1, count(run.err, "written at the first"), "once, though the limit was hit twice: " + run.err);
        assertTrue(!run.err.contains("could not write"), run.err);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void withoutAReportFileTheyGoToStderr(Jdk jdk, String mode) throws Exception {
        Run run = run(jdk, mode, "=threshold=100");
        String leakFrame = EmfileTarget.class.getName() + ".exhaust(EmfileTarget.java:" + run.line + ")";
        assertEquals(
                1,
                count(run.err, "jhtrace: written because the program's open handles exceeded threshold=100"),
                run.err);
        assertEquals(1, count(run.err, "jhtrace: written at the first 'Too many open files'"), run.err);
        assertTrue(run.err.contains("handle(s) open now (pid "), run.err);
        assertTrue(run.err.contains("  leak sites: "), run.err);
        assertTrue(run.err.contains(" at " + leakFrame), run.err);
        assertTrue(run.err.contains("handle(s) still open at exit"), "and the summary at exit: " + run.err);
    }

    private record Run(int line, String err) {}

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void aProgramThatStaysAtItsLimitStillGetsBothReports(Jdk jdk, String mode) throws Exception {
        // every descriptor the reports free for themselves is taken at once: they can only be written at exit
        Path report = dir.resolve("leaks.json");
        Run run = run(jdk, mode + " stay", "=report=" + report + ",threshold=100");
        String leakFrame = EmfileTarget.class.getName() + ".exhaust(EmfileTarget.java:" + run.line + ")";
        for (String name : List.of("leaks.threshold.json", "leaks.emfile.json", "leaks.json")) {
            assertTrue(Files.exists(dir.resolve(name)), name + " missing: " + run.err);
            JsonNode r = JSON.readTree(dir.resolve(name).toFile());
            assertEquals(leakFrame, r.path("sites").get(0).path("site").asText(), name);
        }
        assertEquals(1, count(run.err, "written at the first"), run.err);
        assertTrue(!run.err.contains("could not write"), run.err);
    }

    /**
     * The C library's German texts (package libc-l10n) and the de_DE.UTF-8 locale (generated by .ci/run): with them
     * the JDK's message of EMFILE is "Zu viele offene Dateien".
     */
    private static final String GERMAN_EMFILE = "Zu viele offene Dateien";

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void theReportAtTheLimitIsWrittenWhenTheJdkSaysItInGerman(Jdk jdk, String mode) throws Exception {
        Assumptions.assumeTrue(
                Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/libc.mo")) && germanLocale(),
                "no de_DE.UTF-8 locale with the C library's German texts (libc-l10n, locale-gen; .ci/run sets them up)");
        Path report = dir.resolve("leaks.json");
        Run run = run(jdk, mode, "=report=" + report, "de_DE.UTF-8", GERMAN_EMFILE);
        String leakFrame = EmfileTarget.class.getName() + ".exhaust(EmfileTarget.java:" + run.line + ")";
        assertTrue(Files.exists(dir.resolve("leaks.emfile.json")), "no report at the limit: " + run.err);
        String why = JSON.readTree(dir.resolve("leaks.emfile.json").toFile())
                .path("warnings")
                .get(0)
                .asText();
        assertTrue(why.contains(GERMAN_EMFILE), "the JDK's own words, in German: " + why);
        assertTrue(why.endsWith(" at " + leakFrame), "names the line that failed: " + why);
        assertEquals(1, count(run.err, "written at the first"), run.err);
    }

    private static boolean germanLocale() throws Exception {
        Process p = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 && all.lines().anyMatch(l -> l.equalsIgnoreCase("de_DE.utf8"));
    }

    private Run run(Jdk jdk, String mode, String agentOptions) throws Exception {
        return run(jdk, mode, agentOptions, null, null);
    }

    private Run run(Jdk jdk, String mode, String agentOptions, String locale, String emfileText) throws Exception {
        Path err = dir.resolve("err");
        String java = jdk.java() + " -Djava.io.tmpdir=" + dir
                + (emfileText != null ? " '-Djhtrace.test.emfileText=" + emfileText + "'" : "")
                + " " + TargetJvm.agentFlag() + agentOptions
                + " -cp " + System.getProperty("jhtrace.targets.classpath", "target/test-classes") + " "
                + EmfileTarget.class.getName() + " " + mode;
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "ulimit -n 256 && exec " + java);
        if (locale != null) {
            pb.environment().put("LC_ALL", locale);
        }
        Process p = pb.redirectError(err.toFile())
                .redirectOutput(dir.resolve("out").toFile())
                .start();
        // the target waits for a line before its second run at the limit, and exits after it
        p.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the target did not exit");
        List<String> out = Files.readAllLines(dir.resolve("out"));
        Files.delete(dir.resolve("out"));
        try (Stream<Path> tmp = Files.list(dir)) {
            tmp.filter(f -> f.getFileName().toString().startsWith("jhtrace-emfile"))
                    .map(Path::toFile)
                    .forEach(File::delete);
        }
        String errText = Files.readString(err);
        assertEquals(0, p.exitValue(), errText);
        assertTrue(out.get(0).startsWith("EMFILE "), out + errText);
        return new Run(Integer.parseInt(out.get(0).split(" ")[1]), errText);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
