package dev.jhtrace.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs {@code examples/junit} through real Maven and Surefire, as a user's build runs it: with the agent in
 * Surefire's {@code argLine} and with the extension loading it itself, on JDK 17 and on Temurin 25 (Surefire's
 * {@code jvm}), and checks what failed and why against the example's sources.
 *
 * <p>The example resolves {@code dev.jhtrace:jhtrace-junit5} from a scratch local repository where this build's jar
 * and poms are staged (the build's {@code verify} installs nothing), everything else from this machine's local
 * repository, through a {@code file:} mirror: no network, and the user's repository is left as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleProjectIT {
    private static Path scratch;
    private static Path repo;
    private static Path settings;

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (String jdk : List.of("jdk17", "jdk25")) {
            for (boolean argLine : List.of(true, false)) {
                runs.add(Arguments.of(jdk, argLine));
            }
        }
        return runs.stream();
    }

    @BeforeAll
    static void stageTheArtifacts() throws IOException {
        scratch = Files.createTempDirectory("jhtrace-example-it");
        repo = scratch.resolve("repository");
        String version = System.getProperty("jhtrace.version");
        Path root = Paths.get(System.getProperty("jhtrace.example"))
                .resolve("../..")
                .normalize();
        stage("jhtrace-parent", version, root.resolve("pom.xml"), null);
        stage("jhtrace-agent-modules", version, root.resolve("agent/pom.xml"), null);
        stage(
                "jhtrace-junit5",
                version,
                root.resolve("agent/junit5/pom.xml"),
                Paths.get(System.getProperty("jhtrace.junit5.jar")));
        settings = Files.writeString(
                scratch.resolve("settings.xml"),
                "<settings><mirrors><mirror><id>local</id>"
                        + "<mirrorOf>*</mirrorOf><url>"
                        + Paths.get(System.getProperty("jhtrace.localRepository"))
                                .toUri()
                        + "</url></mirror></mirrors></settings>\n");
    }

    private static void stage(String artifact, String version, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(
                repo.resolve("dev/jhtrace").resolve(artifact).resolve(version));
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"));
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"));
        }
    }

    @AfterAll
    static void removeTheScratch() throws IOException {
        delete(scratch);
    }

    @ParameterizedTest(name = "{0}, agent in argLine: {1}")
    @MethodSource("runs")
    @Order(1)
    void theLeakingTestsFailAtTheirLinesAndTheCleanOnesPass(String jdk, boolean argLine) throws Exception {
        String java = java(jdk);
        Path project = copyOfTheExample();
        try {
            List<String> args = new ArrayList<>(List.of("-Djvm=" + java));
            // on JDK 25 with the agent in argLine: a fork per test class, as big suites run
            int forks = argLine && !jdk.equals("jdk17") ? 2 : 1;
            Path coverage = project.resolve("target/jacoco.exec"); // prepare-agent's default destfile
            if (argLine) {
                // JaCoCo's prepare-agent sets argLine before the tests: the example's @{argLine} keeps it
                args.add("-Pjacoco");
                args.add("-DforkCount=" + forks);
                // the gate runs at verify, after the failures were let through
                args.addAll(List.of(
                        "-Djhtrace.jar=" + System.getProperty("jhtrace.jar"),
                        "-Dmaven.test.failure.ignore=true",
                        "verify"));
            } else {
                args.add("test");
            }
            String log = maven(project, List.of(), args);
            checkTheVerdicts(project, log, forks);
            if (argLine) {
                assertTrue(Files.size(coverage) > 0, "JaCoCo wrote its coverage beside jhtrace: " + log);
                // the agent's own report per fork, in a directory the agent made, and the gate over them
                try (Stream<Path> files = Files.list(project.resolve("target/jhtrace"))) {
                    // at least one per fork (Surefire may start another JVM with the same argLine on another JDK)
                    long reports = files.filter(f -> f.getFileName().toString().matches("leaks-\\d+\\.json"))
                            .count();
                    assertTrue(reports >= forks, reports + " report(s) for " + forks + " fork(s)");
                }
                assertTrue(log.contains("jhtrace check: "), log);
                assertTrue(log.contains("Settings.load(Settings.java:" + leakLine(project) + ")"), log);
            } else if (!jdk.equals("jdk17")) {
                assertTrue(
                        log.contains("WARNING: A Java agent has been loaded dynamically"),
                        "JDK 21+ says so when the extension loads the agent: " + log);
            }
        } finally {
            delete(project);
        }
    }

    @Test
    @Order(2)
    void anOrdinaryUserGetsTheSameVerdicts() throws Exception {
        // after the runs above, which put every artifact the example needs in the scratch repository: this user
        // cannot read root's local repository, so it runs offline on the scratch one, made its own
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "not root: the whole suite runs as an ordinary user");
        Assumptions.assumeTrue(
                Files.isExecutable(Paths.get("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
        removeStaleAttachSockets();
        Path project = copyOfTheExample();
        Path home = Files.createDirectory(scratch.resolve("home"));
        try {
            Files.setPosixFilePermissions(
                    scratch, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            own(List.of(repo, project, home), USER);
            String log = maven(
                    project,
                    List.of(
                            "setpriv",
                            "--reuid=" + USER,
                            "--regid=" + USER,
                            "--clear-groups",
                            "env",
                            "HOME=" + home,
                            "TMPDIR=" + home),
                    List.of("-o", "test"));
            checkTheVerdicts(project, log, 1);
        } finally {
            own(List.of(repo, project, home), 0);
            delete(project);
            delete(home);
        }
    }

    /**
     * A root JVM killed earlier in the build leaves its {@code /tmp/.java_pid<N>}; a test JVM of this user that gets
     * the number N then cannot attach to itself (the JDK refuses another user's socket file). Only dead numbers'.
     */
    private static void removeStaleAttachSockets() throws IOException {
        try (Stream<Path> files = Files.list(Paths.get("/tmp"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("\\.java_pid[0-9]+"))
                    .toList()) {
                long pid = Long.parseLong(f.getFileName().toString().substring(9));
                if (ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** {@code nobody}: a user with a passwd entry and no rights to root's files. */
    private static final int USER = 65534;

    private static void own(List<Path> trees, int uid) throws Exception {
        List<String> command = new ArrayList<>(List.of("chown", "-R", uid + ":" + uid));
        for (Path t : trees) {
            command.add(t.toString());
        }
        assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor());
    }

    /** Runs Maven in the project with the scratch repository and the mirror; returns its output. */
    private static String maven(Path project, List<String> prefix, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                Paths.get(System.getProperty("maven.home"), "bin", "mvn").toString(),
                "-B",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repo));
        command.addAll(args);
        Path out = Files.createTempFile(scratch, "mvn", ".log");
        Process p = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "maven did not finish");
        String log = Files.readString(out);
        Files.delete(out);
        assertNotEquals(0, p.exitValue(), "the leaks fail the build: " + log);
        return log;
    }

    private static int leakLine(Path project) throws IOException {
        return lineOf(
                Files.readString(project.resolve("src/main/java/example/Settings.java")),
                "InputStream in = new FileInputStream(file);");
    }

    /** What failed and why, against the example's sources; the listener's file and lines. */
    private static void checkTheVerdicts(Path project, String log, int forks) throws IOException {
        String leakyTest = Files.readString(project.resolve("src/test/java/example/LeakyTest.java"));
        int leakLine = leakLine(project);
        int testLine = lineOf(leakyTest, "Settings.load(file.toString())");
        int gcLine = lineOf(leakyTest, "new FileInputStream(file.toFile()).read()");

        Path reports = project.resolve("target/surefire-reports");
        assertTrue(Files.isDirectory(reports), "no test ran: " + log);
        String leaky = Files.readString(reports.resolve("TEST-example.LeakyTest.xml"));
        String open = failure(leaky, "loadsTheSettings");
        // still open, or closed by the GC's cleaner before the check when a collection came first: a leak either way
        assertTrue(
                open.contains("1 handle(s) opened during test LeakyTest.loadsTheSettings() leaked: 1 still open")
                        || open.contains("1 handle(s) opened during test LeakyTest.loadsTheSettings() leaked: "
                                + "1 closed only by the GC (never by the code)"),
                open);
        assertTrue(open.contains("at example.Settings.load(Settings.java:" + leakLine + ")"), open);
        assertTrue(
                open.contains("from the test at example.LeakyTest.loadsTheSettings(LeakyTest.java:" + testLine + ")"),
                open);
        assertFalse(open.contains("org.junit.platform.engine"), "the test framework's frames are left out: " + open);
        String gc = failure(leaky, "readsTheFirstByte");
        assertTrue(gc.contains("1 closed only by the GC (never by the code)"), gc);
        assertTrue(gc.contains("at example.LeakyTest.readsTheFirstByte(LeakyTest.java:" + gcLine + ")"), gc);

        String clean = Files.readString(reports.resolve("TEST-example.CleanTest.xml"));
        assertTrue(clean.contains("tests=\"3\""), clean);
        assertTrue(
                clean.contains("failures=\"0\"") && clean.contains("errors=\"0\""),
                "closed, closed by a worker within the grace period, suppressed: all pass: " + clean);

        // the listener: per class, in a file and on Maven's console
        List<Path> listed;
        try (Stream<Path> files = Files.list(project.resolve("target/jhtrace"))) {
            listed = files.filter(f -> f.getFileName().toString().startsWith("junit-leaks-"))
                    .toList();
        }
        assertEquals(forks, listed.size(), "one listener report per fork: " + listed);
        StringBuilder all = new StringBuilder();
        for (Path f : listed) {
            all.append(Files.readString(f)).append('\n');
        }
        String run = all.toString();
        // two leaks: the second test's System.gc() may already have closed the first test's stream
        String classLine = "example\\.LeakyTest: (1 open, 1|0 open, 2) closed only by the GC";
        String header = forks == 1 ? "1 of 2 test class\\(es\\)" : "1 of 1 test class\\(es\\)";
        assertTrue(
                Pattern.compile("(?m)^" + header + " leaked handles\n" + classLine + "\n")
                        .matcher(run)
                        .find(),
                run);
        assertFalse(run.contains("=== example.CleanTest"), run);
        assertTrue(Pattern.compile("jhtrace:   " + classLine).matcher(log).find(), log);
    }

    private static String java(String jdk) {
        if (jdk.equals("jdk17")) {
            return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        }
        Path java = Paths.get(System.getProperty("jhtrace.jdk25.home", ""), "bin", "java");
        Assumptions.assumeTrue(Files.isExecutable(java), "no Temurin 25 at " + java + " (-Djhtrace.jdk25.home=...)");
        return java.toString();
    }

    private static Path copyOfTheExample() throws IOException {
        Path from = Paths.get(System.getProperty("jhtrace.example"));
        Path to = Files.createTempDirectory(scratch, "example");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                if (rel.startsWith("target")) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to.resolve(rel.toString()));
                } else {
                    Files.copy(f, to.resolve(rel.toString()));
                }
            }
        }
        return to;
    }

    private static int lineOf(String source, String text) {
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line with " + text);
    }

    /** The failure message and text of one test case in a Surefire XML report. */
    private static String failure(String xml, String test) {
        Matcher m = Pattern.compile("<testcase name=\"" + test + "\".*?</testcase>", Pattern.DOTALL)
                .matcher(xml);
        assertTrue(m.find(), "no test case " + test + " in " + xml);
        String c = m.group();
        assertTrue(c.contains("<failure"), test + " did not fail: " + c);
        return c.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
