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
            Reports.assertHelloTargetsThreeLeaks(r, report);
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
            assertTrue(hostile.stderr().contains("/no/such\\x0A\\x1B[2J.jar"), hostile.stderr());
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aJarWithoutTheAgentIsOneLineAndLeftClosed(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-native-otherjar");
        try {
            // a real jar, but not this build's: no JarClassLoader in it (an older release named by jar=, a typo)
            Path other = dir.resolve("other.jar");
            java.util.jar.Manifest m = new java.util.jar.Manifest();
            m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            try (java.util.jar.JarOutputStream out =
                    new java.util.jar.JarOutputStream(Files.newOutputStream(other), m)) {
                out.flush();
            }
            TargetJvm.Result r = TargetJvm.run(
                    jdk, List.of("-agentpath:" + TargetJvm.agentLibrary() + "=jar=" + other), OpenFiles.class);
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(
                    "jhtrace: the native start could not load the agent's classes: java.lang.NoClassDefFoundError:"
                            + " dev/jhtrace/agent/loader/JarClassLoader is not in the agent jar; tracing is off",
                    r.stderr().strip());
            // the jar the start opened to look is closed again: tracing is off, the program keeps no handle of ours
            List<String> open = r.lines("FD ");
            assertFalse(open.isEmpty(), r.stdout());
            assertFalse(open.stream().anyMatch(l -> l.endsWith(other.toString())), r.stdout());
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void underCheckJniTheNativeStartIsSilentAndReportsTheSame(Jdk jdk) throws Exception {
        // -Xcheck:jni prints on the program's stdout each JNI rule a native agent breaks (a call with an exception
        // pending, thousands of local references undeclared); a user debugging their own JNI code must see only theirs
        Path dir = Files.createTempDirectory("jhtrace-native-checkjni");
        try {
            Path report = dir.resolve("leaks.json");
            TargetJvm.Result r =
                    TargetJvm.run(jdk, List.of("-Xcheck:jni", flag() + "=report=" + report), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            assertFalse(r.stdout().contains("WARNING"), r.stdout());
            assertFalse(r.stderr().contains("WARNING"), r.stderr());
            Reports.assertHelloTargetsThreeLeaks(r, report);
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theNativeStartGivenTwiceStartsOnceWithTheFirstOptions(Jdk jdk) throws Exception {
        // JAVA_TOOL_OPTIONS=-agentpath:... on a command line that has one too: the JVM calls Agent_OnLoad twice
        Path dir = Files.createTempDirectory("jhtrace-native-twice");
        try {
            Path first = dir.resolve("first.json");
            Path second = dir.resolve("second.json");
            TargetJvm.Result r = TargetJvm.run(
                    jdk, List.of(flag() + "=report=" + first, flag() + "=report=" + second), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(
                    "jhtrace: the native start is given twice (two -agentpath flags, or one in JAVA_TOOL_OPTIONS as"
                            + " well); the first one's options are used",
                    r.stderr().strip());
            assertFalse(Files.exists(second));
            Reports.assertHelloTargetsThreeLeaks(r, first);
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aCliThatOpensTheChannelLeavesNoHandleOfTheAttachListener(Jdk jdk) throws Exception {
        // the channel would open after ten minutes: the CLI attaches, and the agent's second copy (in the
        // application's class loader) asks the first to open it, on the JVM's Attach Listener thread; what is opened
        // there is the agent's, in no report of the program's handles
        List<String> cmd = List.of(
                jdk.java().toString(),
                "-Djhtrace.control.delay=600000",
                flag(),
                "-cp",
                System.getProperty("jhtrace.targets.classpath", "target/test-classes"),
                dev.jhtrace.it.targets.PhasedTarget.class.getName());
        try (RunningTarget t = new RunningTarget(cmd)) {
            Cli.Run enable = Cli.run(jdk, t.pid, "-enable");
            assertEquals(0, enable.exit(), enable.err());
            Cli.Run all = Cli.run(jdk, t.pid, "--format", "json");
            assertEquals(0, all.exit(), all.err());
            assertTrue(all.json().path("traces").size() > 0, all.out());
            for (JsonNode trace : all.json().path("traces")) {
                assertFalse(trace.path("thread").asText().equals("Attach Listener"), trace.toString());
            }
            for (JsonNode open : all.json().path("openHandles")) {
                assertFalse(open.path("thread").asText().equals("Attach Listener"), open.toString());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theCliPrintsTheFlagAndExtractsTheLibraryForAJarCopiedAlone(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-agentpath");
        try {
            // beside the built jar: the flag names the library there, with the options given
            Path report = dir.resolve("leaks.json");
            Cli.Run beside = Cli.run(jdk, "agentpath", "report=" + report);
            assertEquals(0, beside.exit(), beside.err());
            assertEquals(
                    "-agentpath:" + TargetJvm.agentLibrary().toRealPath() + "=report=" + report + "\n", beside.out());
            TargetJvm.Result r = TargetJvm.run(jdk, List.of(beside.out().strip()), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            Reports.assertHelloTargetsThreeLeaks(r, report);

            // a typo is said by the CLI, not by every JVM given the flag
            Cli.Run typo = Cli.run(jdk, "agentpath", "reprot=x.txt");
            assertEquals(2, typo.exit(), typo.out());
            assertEquals(
                    "jhtrace: bad agent option: unknown option 'reprot=x.txt'",
                    typo.err().strip());

            // a jar copied alone: no library beside it, until --extract puts the jar's own copy somewhere
            Path alone = Files.copy(TargetJvm.agentJar(), dir.resolve("jhtrace.jar"));
            Cli.Run missing = Cli.runAs(List.of(), jdk, alone, "agentpath");
            assertEquals(1, missing.exit(), missing.out());
            assertTrue(missing.err().contains("agentpath --extract DIR"), missing.err());
            Path libs = dir.resolve("libs");
            Path again = dir.resolve("again.json");
            Cli.Run extracted = Cli.runAs(List.of(), jdk, alone, "agentpath", "--extract", libs, "report=" + again);
            assertEquals(0, extracted.exit(), extracted.err());
            Path lib = libs.resolve("libjhtrace.so");
            assertEquals("-agentpath:" + lib + "=jar=" + alone + ",report=" + again + "\n", extracted.out());
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(TargetJvm.agentLibrary()), Files.readAllBytes(lib)));
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(lib));
            assertEquals('-', mode.charAt(4), mode);
            assertEquals('-', mode.charAt(7), mode);
            TargetJvm.Result fromCopy =
                    TargetJvm.run(jdk, List.of(extracted.out().strip()), HelloTarget.class, "leak");
            assertEquals(0, fromCopy.exitCode(), fromCopy.stderr());
            assertEquals("", fromCopy.stderr().strip());
            Reports.assertHelloTargetsThreeLeaks(fromCopy, again);
            // a second --extract keeps the same file; a link in its place is replaced, not written through
            long inode = (Long) Files.getAttribute(lib, "unix:ino");
            assertEquals(
                    0,
                    Cli.runAs(List.of(), jdk, alone, "agentpath", "--extract", libs)
                            .exit());
            assertEquals(inode, (Long) Files.getAttribute(lib, "unix:ino"));
            Path victim = Files.writeString(dir.resolve("victim"), "keep");
            Files.delete(lib);
            Files.createSymbolicLink(lib, victim);
            assertEquals(
                    0,
                    Cli.runAs(List.of(), jdk, alone, "agentpath", "--extract", libs)
                            .exit());
            assertEquals("keep", Files.readString(victim));
            assertFalse(Files.isSymbolicLink(lib));
            try (var left = Files.list(libs)) {
                assertEquals(List.of(lib), left.toList());
            }
        } finally {
            Reports.deleteTree(dir);
        }
    }

    /** Prints what each of its descriptors refers to, one {@code FD n target} line each. */
    public static final class OpenFiles {
        public static void main(String[] args) throws Exception {
            try (java.util.stream.Stream<Path> fds = Files.list(java.nio.file.Paths.get("/proc/self/fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        System.out.println("FD " + fd.getFileName() + " " + Files.readSymbolicLink(fd));
                    } catch (java.io.IOException gone) {
                        // the listing's own descriptor, closed by now
                    }
                }
            }
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
