package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.HelloTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hook check's verdict kept between runs ({@code cache=}): written by the first JVM's first report, read by the
 * next (which then says what the file says, not what a check would find), and not read by a JVM of another agent
 * build or with {@code cache=false}.
 */
class HookCheckCacheIT {
    private static List<String> warnings(TargetJvm.Result r) {
        List<String> out = new ArrayList<>();
        for (JsonNode w : r.report().path("warnings")) {
            out.add(w.asText());
        }
        return out;
    }

    /** @return the hook check's verdicts in dir (the rewrites of the hooked classes lie beside them) */
    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("hookcheck-"))
                    .sorted()
                    .toList();
        }
    }

    /** @return the classes loaded before the program's main class, as -Xlog:class+load named them */
    private static List<String> loadedBeforeMain(Path log, Class<?> main) throws Exception {
        List<String> before = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].equals(main.getName())) {
                return before;
            }
            if (f.length > 1) {
                before.add(f[1]);
            }
        }
        throw new AssertionError("the main class never loaded: " + log);
    }

    /** @return the lines of -Xlog:class+load that name a class spun for a lambda of the agent's own code */
    private static List<String> agentLambdas(List<String> log) {
        List<String> out = new ArrayList<>();
        for (String line : log) {
            String[] f = line.split(" ");
            if (f.length > 1
                    && f[1].startsWith("dev.jhtrace.")
                    && !f[1].startsWith("dev.jhtrace.it.")
                    && f[1].contains("$$Lambda")) {
                out.add(line);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theNextStartTakesTheHookedClassesFromTheCacheAndRunsNoAsm(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-cacheit");
        try {
            Path cache = dir.resolve("cache");
            List<String> runs = new ArrayList<>();
            // a class can come two ways (rewritten as it loads, or retransformed if it loaded before the agent's hook):
            // the second start may learn the other way of one, the third has them all
            for (int i = 0; i < 3; i++) {
                Path log = dir.resolve("classes-" + i + ".log");
                Path report = dir.resolve("leaks-" + i + ".json");
                TargetJvm.Result r = TargetJvm.run(
                        jdk,
                        List.of(
                                "-Xlog:class+load=info:file=" + log,
                                TargetJvm.agentFlag() + "=report=" + report + ",cache=" + cache),
                        HelloTarget.class,
                        "leak");
                assertEquals(0, r.exitCode(), r.stderr());
                assertEquals("", r.stderr().strip());
                // the hooks are in: the report names the three leaks at their line
                Reports.assertHelloTargetsThreeLeaks(r, report);
                runs.add(String.join("\n", loadedBeforeMain(log, HelloTarget.class)));
            }
            // the agent's ASM (relocated into the jar); the JDK has an ASM of its own, for lambdas
            assertTrue(runs.get(0).contains("bytebuddy.jar.asm.ClassReader"), "the first start rewrites with ASM");
            assertFalse(
                    runs.get(2).contains("bytebuddy.jar.asm.ClassReader"),
                    "the third takes the rewrites from the cache");
            // in its class loader of its own (both starts: see loader.JavaagentEntry), the agent then loads no ASM
            // class at all before main
            assertFalse(runs.get(2).contains("bytebuddy.jar.asm."), runs.get(2));
            // and a start and exit that found everything in the cache make no class at run time and run none of the
            // JDK's slow paths: each was milliseconds of every JVM (issue 16)
            List<String> third = Files.readAllLines(dir.resolve("classes-2.log"));
            assertEquals(List.of(), agentLambdas(third), "a lambda of the agent is a class spun with the JDK's ASM");
            // the same for the text report (a report= path that is neither .json nor .html)
            Path textLog = dir.resolve("classes-text.log");
            TargetJvm.Result text = TargetJvm.run(
                    jdk,
                    List.of(
                            "-Xlog:class+load=info:file=" + textLog,
                            TargetJvm.agentFlag() + "=report=" + dir.resolve("leaks.txt") + ",cache=" + cache),
                    HelloTarget.class,
                    "leak");
            assertEquals(0, text.exitCode(), text.stderr());
            assertTrue(Files.readString(dir.resolve("leaks.txt")).contains("HelloTarget.main"));
            assertEquals(List.of(), agentLambdas(Files.readAllLines(textLog)), "the text report's");
            List<String> costly = new ArrayList<>(List.of(
                    "java.util.Formatter", // String.format
                    "sun.net.www.protocol.jrt.Handler", // the exit reading the hooked classes from the image again
                    "java.time.format.DateTimeFormatter", // Instant.toString in the report, a %t in report=
                    "java.lang.ProcessHandleImpl$Info")); // the report's command line
            for (String c : costly) {
                assertFalse(third.stream().anyMatch(l -> l.contains(" " + c + " ")), c + " was loaded");
            }
            if (TargetJvm.nativeStart()) {
                // nor reflection before main, whose first call spins method-handle classes on JDK 18+ (java.instrument
                // calls premain through it, so only the native start can be held to this; the target uses it later)
                for (String c : List.of(
                        "jdk.internal.reflect.DirectMethodHandleAccessor",
                        "jdk.internal.reflect.MethodHandleIntegerFieldAccessorImpl")) {
                    assertFalse(runs.get(2).contains(c), c + " was loaded before main");
                }
                // nor the JDK's copy of the environment (System.getenv: the native start asks the C library's getenv)
                assertFalse(
                        third.stream().anyMatch(l -> l.contains(" java.lang.ProcessEnvironment ")),
                        "java.lang.ProcessEnvironment was loaded");
                // nor any lambda class (the JDK's own included: JVMTI's module functions spin Module's first ones)
                assertFalse(runs.get(2).contains("$$Lambda"), runs.get(2));
            }
            try (Stream<Path> s = Files.list(cache)) {
                assertEquals(
                        1,
                        s.filter(p -> p.getFileName().toString().startsWith("hookbytes-"))
                                .count());
            }
        } finally {
            Reports.deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theVerdictIsWrittenOnceAndReadByTheNextJvmOfTheSameBuild(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-cacheit");
        try {
            Path cache = dir.resolve("cache");
            TargetJvm.Result first = TargetJvm.runWithReport(jdk, "cache=" + cache, HelloTarget.class, "leak");
            assertEquals(0, first.exitCode(), first.stderr());
            assertEquals(List.of(), warnings(first), "this JDK matches every hook");
            List<Path> written = files(cache);
            assertEquals(1, written.size(), written.toString());
            Path file = written.get(0);
            List<String> lines = Files.readAllLines(file);
            assertEquals("jhtrace hook check 1", lines.get(0));
            assertTrue(lines.get(1).startsWith("jdk=/") && lines.get(1).contains(" agent=/"), lines.get(1));
            assertEquals(2, lines.size(), "an empty verdict: " + lines);

            // what the file says is what the next JVM says: the check did not run again
            String planted = "a warning planted in the cache by the test";
            Files.writeString(file, String.join("\n", lines) + "\n" + planted + "\n");
            TargetJvm.Result second = TargetJvm.runWithReport(jdk, "cache=" + cache, HelloTarget.class, "leak");
            assertEquals(List.of(planted), warnings(second));
            assertTrue(second.stderr().contains("jhtrace: " + planted), second.stderr());
            assertEquals(3, second.report().path("openHandles").size(), second.reportText());

            // cache=false: the check runs, the file is not read
            TargetJvm.Result off = TargetJvm.runWithReport(jdk, "cache=false", HelloTarget.class, "leak");
            assertEquals(List.of(), warnings(off));

            // another build of the agent (here: the same bytes, another time) is another key
            Path copy = TargetJvm.copyAgent(Files.createDirectory(dir.resolve("agent")));
            Files.setLastModifiedTime(
                    copy, FileTime.fromMillis(Files.getLastModifiedTime(copy).toMillis() - 60_000));
            Path report = dir.resolve("copy.json");
            TargetJvm.Result rebuilt = TargetJvm.run(
                    jdk,
                    List.of(TargetJvm.agentFlag(copy) + "=report=" + report + ",cache=" + cache),
                    HelloTarget.class,
                    "leak");
            assertEquals(0, rebuilt.exitCode(), rebuilt.stderr());
            assertFalse(rebuilt.stderr().contains(planted), rebuilt.stderr());
            assertFalse(Files.readString(report).contains(planted));
            assertEquals(2, files(cache).size(), files(cache).toString());
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
