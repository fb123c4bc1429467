package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.NativeTarget;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Descriptors opened and closed by native code, seen by the native module: a JNI library built by the test
 * build, libc through JNA, and (JDK 25) libc through the FFM API.
 */
class NativeIT {
    /** Where this test's reports go; JUnit deletes it after each test. */
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path scratch;

    private static final String TARGET = NativeTarget.class.getName();

    private static String classpath() {
        return System.getProperty("jhtrace.targets.classpath")
                + File.pathSeparator
                + System.getProperty("jhtrace.test.jna");
    }

    /** Checks a native leak: in openHandles with the Java line that called into native code and the library that opened it. */
    static void assertLeak(JsonNode report, String javaClass, String record, String library) {
        String[] f = record.split("\\|");
        List<JsonNode> at = Reports.withFrame(report.path("openHandles"), javaClass, Integer.parseInt(f[1]));
        assertEquals(1, at.size(), "leak at line " + f[1] + ": " + report.path("openHandles"));
        assertEquals(Integer.parseInt(f[0]), at.get(0).path("handle").asInt());
        String nativeFrame = at.get(0).path("stack").get(0).path("native").asText();
        assertTrue(nativeFrame.contains(library) && nativeFrame.endsWith("-> open"), "native frame: " + nativeFrame);
    }

    /** Checks a double close: a BAD_REFERENCE at the line, with the previous close and the open. */
    static void assertDoubleClose(JsonNode report, String javaClass, String record, int closeLine, int openLine) {
        String[] f = record.split("\\|");
        int fd = Integer.parseInt(f[0]);
        JsonNode bad = null;
        for (JsonNode t : report.path("traces")) {
            if ("BAD_REFERENCE".equals(t.path("type").asText())
                    && t.path("handle").asInt() == fd
                    && Reports.hasFrame(t, javaClass, Integer.parseInt(f[1]))) {
                bad = t;
            }
        }
        assertNotNull(bad, "no BAD_REFERENCE of fd " + fd + " at line " + f[1] + ": " + report.path("traces"));
        assertTrue(
                Reports.hasFrame(bad.path("previousClose"), javaClass, closeLine),
                "previous close: " + bad.path("previousClose"));
        assertEquals("CLOSE", bad.path("previousClose").path("type").asText());
        assertTrue(Reports.hasFrame(bad.path("opened"), javaClass, openLine), "opened: " + bad.path("opened"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void nativeFramesAreNamedFromTheLibrarysOwnSymbolTable(Jdk jdk) throws Exception {
        java.nio.file.Path built = java.nio.file.Paths.get(System.getProperty("jhtrace.test.jni"));
        for (String library : List.of("libleakyjni.so", "libleakyjni-stripped.so")) {
            java.nio.file.Path report = scratch.resolve(library + ".json");
            TargetJvm.Result r = TargetJvm.run(
                    jdk,
                    List.of(
                            "-Djhtrace.test.jni=" + built.resolveSibling(library),
                            TargetJvm.agentFlag() + "=report=" + report),
                    classpath(),
                    NativeTarget.class);
            assertEquals(0, r.exitCode(), r.stderr());
            JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
            String[] hidden = r.lines("JNIHIDDEN ").get(0).split("\\|");
            List<JsonNode> at = Reports.withFrame(rep.path("openHandles"), TARGET, Integer.parseInt(hidden[1]));
            assertEquals(1, at.size(), rep.path("openHandles").toString());
            String frame = at.get(0).path("stack").get(0).path("native").asText();
            if (library.equals("libleakyjni.so")) {
                // a function the library does not export: dladdr alone named it after the exported one before it
                assertTrue(frame.matches("libleakyjni\\.so!leaky_hidden_open\\+0x[0-9a-f]+ -> open"), frame);
            } else {
                // no symbol table: the library and the offset, never a neighbour's name
                assertTrue(frame.matches("libleakyjni-stripped\\.so\\+0x[0-9a-f]+ -> open"), frame);
            }
            // an exported function keeps its name either way (.dynsym)
            assertLeak(
                    rep,
                    TARGET,
                    r.lines("JNILEAK ").get(0),
                    library + "!Java_dev_jhtrace_it_targets_NativeTarget_openAndLeak");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aLibraryExtractedUnderARandomNameHasAStableOne(Jdk jdk) throws Exception {
        // as JNI loaders (RocksDB's, Netty's) extract a library from their jar: a temporary file with a random number
        java.nio.file.Path lib = java.nio.file.Files.copy(
                java.nio.file.Paths.get(System.getProperty("jhtrace.test.jni")),
                scratch.resolve("libleakyjni" + Long.toUnsignedString(new java.util.Random().nextLong()) + ".so"));
        java.nio.file.Path report = scratch.resolve("extracted.json");
        TargetJvm.Result r = TargetJvm.run(
                jdk,
                List.of("-Djhtrace.test.jni=" + lib, TargetJvm.agentFlag() + "=report=" + report),
                classpath(),
                NativeTarget.class,
                "jna");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertLeak(
                rep,
                TARGET,
                r.lines("JNILEAK ").get(0),
                "libleakyjni.so!Java_dev_jhtrace_it_targets_NativeTarget_openAndLeak");
        assertFalse(
                rep.path("openHandles").toString().contains(lib.getFileName().toString()),
                "no random name in the stacks: " + rep.path("openHandles"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void jniAndJnaDescriptorsAreTraced(Jdk jdk) throws Exception {
        java.nio.file.Path report = java.nio.file.Files.createTempDirectory(scratch, "jhtrace-native")
                .resolve("r.json");
        TargetJvm.Result r = TargetJvm.run(
                jdk,
                List.of(
                        "-Djhtrace.test.jni=" + System.getProperty("jhtrace.test.jni"),
                        TargetJvm.agentFlag() + "=report=" + report + ",traces=all"),
                classpath(),
                NativeTarget.class,
                "jna");
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(r.stderr().contains("native module"), "the native module should load: " + r.stderr());
        JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());

        assertLeak(
                rep,
                TARGET,
                r.lines("JNILEAK ").get(0),
                "libleakyjni.so!Java_dev_jhtrace_it_targets_NativeTarget_openAndLeak");
        String[] closed = r.lines("JNICLOSED ").get(0).split("\\|");
        assertTrue(
                Reports.withFrame(rep.path("openHandles"), TARGET, Integer.parseInt(closed[1]))
                        .isEmpty(),
                "closed by JNI, yet open");
        int twiceLine = Integer.parseInt(r.lines("JNITWICE ").get(0).split("\\|")[1]);
        assertDoubleClose(rep, TARGET, r.lines("JNITWICE ").get(0), twiceLine, twiceLine);

        String[] dup = r.lines("JNIDUP2 ").get(0).split("\\|");
        for (JsonNode t : Reports.withFrame(rep.path("traces"), TARGET, Integer.parseInt(dup[1]))) {
            assertFalse("BAD_REFERENCE".equals(t.path("type").asText()), "dup2 over a live fd is a replacement: " + t);
        }
        assertTrue(
                Reports.withFrame(rep.path("openHandles"), TARGET, Integer.parseInt(dup[1]))
                        .isEmpty(),
                "dup2'ed and closed, yet open");

        int rangeLine = Integer.parseInt(r.lines("JNIRANGE ").get(0).split("\\|")[1]);
        assertTrue(
                Reports.withFrame(rep.path("openHandles"), TARGET, rangeLine).isEmpty(),
                "closed by close_range, yet open");
        long rangeCloses = 0;
        for (JsonNode t : Reports.withFrame(rep.path("traces"), TARGET, rangeLine)) {
            rangeCloses += "CLOSE".equals(t.path("type").asText())
                            && t.path("stack").get(0).path("native").asText().endsWith("-> close_range")
                    ? 1
                    : 0;
        }
        assertEquals(2, rangeCloses, "one CLOSE per descriptor close_range closed");

        String[] streams = r.lines("JNISTREAMS ").get(0).split("\\|");
        List<JsonNode> atStreams = Reports.withFrame(rep.path("openHandles"), TARGET, Integer.parseInt(streams[1]));
        assertEquals(1, atStreams.size(), "only the leaked FILE* stays open: " + atStreams);
        assertEquals(
                Integer.parseInt(streams[0]), atStreams.get(0).path("handle").asInt());
        assertTrue(atStreams.get(0).path("stack").get(0).path("native").asText().endsWith("-> fopen"));
        // the Java name, not the kernel's ("java" for main, 15 bytes for the rest); no /proc file was opened for it
        assertEquals(
                "main",
                atStreams.get(0).path("thread").asText(),
                atStreams.get(0).toString());
        String[] onThread = r.lines("JNITHREAD ").get(0).split("\\|");
        List<JsonNode> atThread = Reports.withFrame(rep.path("openHandles"), TARGET, Integer.parseInt(onThread[1]));
        assertEquals(1, atThread.size(), rep.path("openHandles").toString());
        assertEquals(
                NativeTarget.LONG_THREAD_NAME, atThread.get(0).path("thread").asText());
        List<String> calls = new ArrayList<>();
        for (JsonNode t : Reports.withFrame(rep.path("traces"), TARGET, Integer.parseInt(streams[1]))) {
            String n = t.path("stack").get(0).path("native").asText();
            calls.add(t.path("type").asText() + " " + n.substring(n.lastIndexOf("-> ") + 3));
        }
        java.util.Collections.reverse(calls);
        assertEquals(List.of("OPEN fopen", "OPEN fopen", "CLOSE fclose", "OPEN opendir", "CLOSE closedir"), calls);

        assertLeak(rep, TARGET, r.lines("JNALEAK ").get(0), "jna");
        int jnaClose = Integer.parseInt(r.lines("JNACLOSE ").get(0).split("\\|")[1]);
        assertDoubleClose(rep, TARGET, r.lines("JNATWICE ").get(0), jnaClose, jnaClose - 1);
        assertEquals(0, rep.path("stats").path("dropped").asInt());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void hooksStayQuietInAVforkChild(Jdk jdk) throws Exception {
        java.nio.file.Path report = java.nio.file.Files.createTempDirectory(scratch, "jhtrace-vfork")
                .resolve("r.json");
        TargetJvm.Result r = TargetJvm.run(
                jdk,
                List.of(
                        "-Djhtrace.test.jni=" + System.getProperty("jhtrace.test.jni"),
                        "-Djdk.lang.Process.launchMechanism=VFORK",
                        TargetJvm.agentFlag() + "=report=" + report + ",traces=all"),
                classpath(),
                NativeTarget.class,
                "vfork");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("0", r.lines("VFORK ").get(0).split("\\|")[0], "the child ran");
        JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertLeak(rep, TARGET, r.lines("JNILEAK ").get(0), "libleakyjni.so");
        for (JsonNode t : rep.path("traces")) {
            assertFalse(
                    "BAD_REFERENCE".equals(t.path("type").asText())
                            && !Reports.hasFrame(
                                    t,
                                    TARGET,
                                    Integer.parseInt(r.lines("JNITWICE ").get(0).split("\\|")[1])),
                    "spurious bad reference: " + t);
        }
    }

    @Test
    void ffmDowncallsAreTracedOnJdk25() throws Exception {
        Jdk jdk25 = Jdk.all().filter(j -> j.name().equals("jdk25")).findFirst().orElseThrow();
        java.nio.file.Path report =
                java.nio.file.Files.createTempDirectory(scratch, "jhtrace-ffm").resolve("r.json");
        String source = System.getProperty("jhtrace.test.ffm");
        Assumptions.assumeTrue(source != null, "jhtrace.test.ffm not set");
        List<String> cmd = new ArrayList<>(List.of(
                jdk25.java().toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + report.getParent(), // its leaked file goes where JUnit cleans up
                TargetJvm.agentFlag() + "=report=" + report + ",traces=all",
                source));
        java.nio.file.Path out = report.resolveSibling("out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        String stdout = java.nio.file.Files.readString(out);
        assertEquals(0, p.exitValue(), stdout);
        JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        String leak = stdout.lines()
                .filter(l -> l.startsWith("FFMLEAK "))
                .findFirst()
                .orElseThrow()
                .substring(8);
        assertLeak(rep, "FfmTarget", leak, "FFM downcall");
        String close = stdout.lines()
                .filter(l -> l.startsWith("FFMCLOSE "))
                .findFirst()
                .orElseThrow()
                .substring(9);
        String twice = stdout.lines()
                .filter(l -> l.startsWith("FFMTWICE "))
                .findFirst()
                .orElseThrow()
                .substring(9);
        int closeLine = Integer.parseInt(close.split("\\|")[1]);
        assertDoubleClose(rep, "FfmTarget", twice, closeLine, closeLine - 1);
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void nativeDescriptorOpenedBeforeAttachIsUntracedAndItsCloseIsNoBadReference(Jdk jdk) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                jdk.java().toString(),
                "-Djhtrace.test.jni=" + System.getProperty("jhtrace.test.jni"),
                "-cp",
                classpath(),
                TARGET,
                "phased"));
        try (RunningTarget t = new RunningTarget(cmd, "EARLY ")) {
            int early = t.pre.get(0);
            assertEquals(0, Cli.run(jdk, t.pid, "-enable").exit());
            JsonNode before = Cli.run(jdk, t.pid, "--format", "json").json();
            assertTrue(
                    Reports.handles(before.path("untraced")).contains(early), "untraced: " + before.path("untraced"));
            t.send("close", "CLOSED", null);
            JsonNode after = Cli.run(jdk, t.pid, "0x" + Integer.toHexString(early), "--format", "json")
                    .json();
            List<String> types = new ArrayList<>();
            for (JsonNode tr : after.path("traces")) {
                types.add(tr.path("type").asText());
            }
            assertEquals(List.of("CLOSE"), types, "the close of a pre-existing native fd: " + after.path("traces"));
            assertFalse(Reports.handles(after.path("untraced")).contains(early));
            assertEquals(0, t.exit());
        }
    }
}
