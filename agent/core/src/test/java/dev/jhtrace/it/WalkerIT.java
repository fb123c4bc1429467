package dev.jhtrace.it;

import dev.jhtrace.it.targets.WalkerTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native module's own stack walker (HotSpot's structures) gives exactly the frames AsyncGetCallTrace gives, on
 * every shape of stack {@link WalkerTarget} makes: with {@code walker=check} both walk every capture and the
 * disagreements are counted; a walk recognised as a repeat of an earlier one (its guards hold) is walked again
 * and must name the same stack. Run interpreted-only too, where every frame is an interpreter frame.
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
        assertTrue(r.stderr().matches("(?s).*layout 0x[0-9a-f]{16}L \\(verified\\).*"), "layout not among the verified: " + r.stderr());
    }
}
