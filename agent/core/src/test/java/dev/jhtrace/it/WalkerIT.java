package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.SignalsTarget;
import dev.jhtrace.it.targets.WalkerTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native module's own stack walker (HotSpot's structures) gives exactly the frames AsyncGetCallTrace gives, on
 * every shape of stack {@link WalkerTarget} makes: with {@code walker=check} both walk every capture and the
 * disagreements are counted; a walk recognised as a repeat of an earlier one (its guards hold) is walked again
 * and must name the same stack. Run interpreted-only too, where every frame is an interpreter frame. And the walker's
 * guarded reads, whose fault handler sits in front of HotSpot's, leave HotSpot its own faults: implicit null checks
 * and safepoint polls while walks run, a crash of the program (HotSpot's error log), and under {@code -Xcheck:jni}
 * (where HotSpot would print about a handler in front of its own) the walker stays off.
 */
class WalkerIT {
    private static final Pattern SUMMARY = Pattern.compile(
            "walker check: (\\d+) walks by HotSpot's structures, (\\d+) fell back to AsyncGetCallTrace, (\\d+) compared, (\\d+) disagreed"
                    + ".*; \\d+ walks recognised as repeats and not taken again, (\\d+) repeats checked against a full walk, "
                    + "(\\d+) of them named another stack");

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void theStructuresWalkerAgreesWithAsyncGetCallTraceOnEveryStack(Jdk jdk) throws Exception {
        check(jdk, List.of());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void andOnInterpretedStacks(Jdk jdk) throws Exception {
        check(jdk, List.of("-Xint"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void hotSpotsOwnFaultsStillReachHotSpotWhileTheWalkerRuns(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, List.of(), "walker=check", SignalsTarget.class, "share");
        assertEquals(0, r.exitCode(), r.stderr());
        String[] done = r.lines("DONE ").get(0).trim().split(" ");
        assertEquals(40_000, Integer.parseInt(done[0]), r.stdout());
        assertTrue(Long.parseLong(done[1]) > 0, "the loop's null checks threw: " + r.stdout());
        Matcher m = SUMMARY.matcher(r.stderr());
        assertTrue(m.find(), "no walker summary on stderr: " + r.stderr());
        assertTrue(Long.parseLong(m.group(1)) >= 40_000, "the walker walked: " + r.stderr());
        assertEquals(0, Long.parseLong(m.group(4)), r.stderr());
        // reason 25 is a guarded read that faulted: none of the walks read a bad address
        assertFalse(r.stderr().matches("(?s).*fallbacks by reason [^)]*\\b25: .*"), r.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aCrashOfTheProgramStillReachesHotSpotsErrorHandler(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-crash");
        try {
            TargetJvm.Result r = TargetJvm.run(
                    jdk,
                    List.of(
                            "-XX:ErrorFile=" + dir.resolve("hs_err.log"),
                            "-XX:-CreateCoredumpOnCrash",
                            TargetJvm.agentFlag() + "=walker=vm"),
                    SignalsTarget.class,
                    "crash");
            assertTrue(r.stdout().contains("CRASHING") && !r.stdout().contains("SURVIVED"), r.stdout() + r.stderr());
            assertTrue(r.exitCode() != 0, "the JVM died");
            Path log = dir.resolve("hs_err.log");
            assertTrue(
                    Files.isRegularFile(log),
                    "HotSpot wrote its error log (it handled the fault): " + r.stdout() + r.stderr());
            String text = Files.readString(log);
            assertTrue(text.contains("SIGSEGV"), text.substring(0, Math.min(2000, text.length())));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void underXcheckJniTheWalkerStaysOffAndHotSpotHasNothingToSay(Jdk jdk) throws Exception {
        TargetJvm.Result r =
                TargetJvm.runWithReport(jdk, List.of("-Xcheck:jni"), "walker=check", SignalsTarget.class, "share");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("the structures' walker is unavailable on this JVM (-7)"), r.stderr());
        assertFalse(r.stdout().contains("Warning: SIG"), "HotSpot printed about a signal handler: " + r.stdout());
        // checked JNI's warnings name the native method they were found in: none may be the agent's own; the JDK's
        // java.instrument exceeds its local references listing the loaded classes for any agent that asks
        String[] lines = r.stdout().split("\\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("WARNING")) {
                String where = i + 1 < lines.length ? lines[i + 1].trim() : "";
                assertTrue(
                        where.startsWith("at sun.instrument.InstrumentationImpl.getAllLoadedClasses0("),
                        "a JNI warning from the agent's native code: " + lines[i] + " " + where + "\n" + r.stdout());
            }
        }
        assertEquals(1, r.lines("DONE ").size(), r.stdout());
    }

    private static void check(Jdk jdk, List<String> jvmArgs) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, jvmArgs, "walker=check", WalkerTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        int opens = Integer.parseInt(r.lines("DONE ").get(0).trim());
        Matcher m = SUMMARY.matcher(r.stderr());
        assertTrue(m.find(), "no walker summary on stderr: " + r.stderr());
        long walks = Long.parseLong(m.group(1));
        long fallbacks = Long.parseLong(m.group(2));
        long compared = Long.parseLong(m.group(3));
        long disagreed = Long.parseLong(m.group(4));
        assertEquals(0, disagreed, r.stderr());
        // a walk recognised as one made before (the same stack words) must name the same stack as walking again
        assertTrue(Long.parseLong(m.group(5)) > 1000, "the loops' repeated walks were recognised: " + r.stderr());
        assertEquals(0, Long.parseLong(m.group(6)), r.stderr());
        // an open and a close of the program's each take a stack; those of its virtual threads (4 x 100 opens and
        // closes) are left to AsyncGetCallTrace, and so may be a few others (stubs on the stack)
        assertTrue(walks + fallbacks >= 2L * opens, walks + " walks for " + opens + " opens: " + r.stderr());
        assertTrue(fallbacks <= 4 * 100 * 2 + 20, "too many fallbacks: " + r.stderr());
        assertTrue(compared >= walks * 9 / 10, "walks not compared: " + r.stderr());
        assertTrue(r.report().path("warnings").toString().contains("0 disagreed"), "the summary is in the report too");
        // walker=auto trusts the walker by the layout it read, and every JDK of the matrix has a verified one
        assertTrue(
                r.stderr().matches("(?s).*layout 0x[0-9a-f]{16}L \\(verified\\).*"),
                "layout not among the verified: " + r.stderr());
    }
}
