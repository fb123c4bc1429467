package dev.jhtrace.agent.jni;

import dev.jhtrace.agent.AgentLog;
import dev.jhtrace.agent.WalkerMode;
import java.util.Locale;

/**
 * The native module's stack walker: which one runs, and what {@code walker=check} found.
 *
 * <p>Why there are two: AsyncGetCallTrace (HotSpot's profiling call) validates every frame as if called from a
 * signal handler, which makes it the bulk of what a hook costs; the native module's own walker reads HotSpot's
 * structures and costs a fraction of that (see docs/performance.md), but depends on their layout. So it is checked
 * against AsyncGetCallTrace on the first walks of every run and switched off at the first disagreement, it hands
 * any frame it does not understand to AsyncGetCallTrace, and {@code walker=check} compares every walk (the
 * integration tests run with it).
 */
public final class WalkerCheck {
    private static final int REASONS = NativeContract.STAT_REASONS;
    private static final int ASGCT_SHORT = NativeContract.STAT_ASGCT_SHORT;

    private WalkerCheck() {}

    /**
     * @param walker the {@code walker=} option
     * @return the mode the native module takes
     */
    public static int mode(WalkerMode walker) {
        return walker.code; // auto: provisional, until choose() has compared the layout with the verified ones
    }

    /**
     * Fingerprints of the VMStructs layouts the walker was verified on ({@code jh_vmwalk_layout}: every offset, size
     * and constant it reads): OpenJDK 17.0.15 (Debian 12), OpenJDK 21.0.13 (Debian 13) and Temurin 25, each passing
     * WalkerIT (every walk compared) and LoadIT. {@code walker=auto} trusts the walker on these layouts only, not on a
     * release number: a build whose structures moved gets AsyncGetCallTrace. The fingerprint of a JVM is in the
     * {@code walker=check} summary; a layout added here must pass WalkerIT on that JVM first.
     */
    private static final long[] VERIFIED_LAYOUTS = {0x3fb8e4ba64d02333L, 0xcda752a35342f449L, 0x7941d6040b2161f2L};

    /**
     * @param layout a layout fingerprint, 0 when the walker could not read one
     * @return whether the walker was verified on it
     */
    public static boolean verifiedLayout(long layout) {
        for (long v : VERIFIED_LAYOUTS) {
            if (layout != 0 && v == layout) {
                return true;
            }
        }
        return false;
    }

    /**
     * Chooses the walker; the module must be loaded.
     *
     * @param walker the {@code walker=} option
     */
    static void choose(WalkerMode walker) {
        if (walker == WalkerMode.AUTO) {
            // initialised only (-1), so that the layout it read is compared before any capture may use the walker
            if (NativeHooks.walker0(NativeContract.MODE_INIT_ONLY) == 0
                    && verifiedLayout(NativeHooks.walkerLayout0())) {
                NativeHooks.walker0(NativeContract.MODE_VM);
            }
            return;
        }
        int code = NativeHooks.walker0(mode(walker));
        if (code != 0 && walker == WalkerMode.CHECK) {
            AgentLog.warn("jhtrace: walker=check: the structures' walker is unavailable on this JVM (" + code
                    + "); stacks come from AsyncGetCallTrace");
        }
    }

    /**
     * @return a warning when the structures' walker disagreed with AsyncGetCallTrace during its first walks and was
     *     switched off for the rest of the run (stacks stay right, captures cost more), else null
     */
    public static String switchedOff() {
        long[] s = NativeHooks.walkerStats0();
        if (s == null
                || s[NativeContract.STAT_MODE] != NativeContract.MODE_ASGCT
                || s[NativeContract.STAT_MISMATCHES] == 0) {
            return null;
        }
        return "jhtrace: the native stack walker disagreed with AsyncGetCallTrace on this JVM and is off for this run "
                + "(stacks come from AsyncGetCallTrace, at a higher cost; walker=check tells where)";
    }

    /** @return one line on what the walkers did, naming the first frame they disagreed on */
    public static String summary() {
        long[] s = NativeHooks.walkerStats0();
        if (s == null) {
            return "jhtrace: walker check: no statistics";
        }
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "jhtrace: walker check: %d walks by HotSpot's structures, %d fell back to AsyncGetCallTrace, %d compared, "
                        + "%d disagreed, %d not compared (AsyncGetCallTrace could not walk); %d walks recognised as "
                        + "repeats and not taken again, %d repeats checked against a full walk, %d of them named another stack",
                s[NativeContract.STAT_VM_WALKS],
                s[NativeContract.STAT_FALLBACKS],
                s[NativeContract.STAT_CHECKED],
                s[NativeContract.STAT_MISMATCHES],
                s[NativeContract.STAT_UNCHECKED],
                s[NativeContract.STAT_REPEATS],
                s[NativeContract.STAT_REPEATS_CHECKED],
                s[NativeContract.STAT_REPEAT_MISMATCHES]));
        sb.append(String.format(
                Locale.ROOT,
                "; layout 0x%016xL (%s)",
                NativeHooks.walkerLayout0(),
                verifiedLayout(NativeHooks.walkerLayout0())
                        ? "verified"
                        : "not among the verified: walker=auto uses AsyncGetCallTrace"));
        if (s.length > ASGCT_SHORT && s[ASGCT_SHORT] > 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "; %d compared walks where AsyncGetCallTrace stopped short (its frames the "
                            + "first of the walker's; not counted as disagreements)",
                    s[ASGCT_SHORT]));
        }
        StringBuilder reasons = new StringBuilder();
        for (int i = REASONS; i < s.length; i++) {
            if (s[i] > 0) {
                reasons.append(reasons.length() == 0 ? "" : ", ")
                        .append(i == REASONS ? "other" : String.valueOf(REASONS - i))
                        .append(": ")
                        .append(s[i]);
            }
        }
        if (reasons.length() > 0) {
            String unknown = NativeHooks.walkerUnknown0();
            sb.append(" (fallbacks by reason ")
                    .append(reasons)
                    .append(unknown == null ? "" : "; first unknown code blob: " + unknown)
                    .append(')');
        }
        if (s[NativeContract.STAT_MISMATCHES] > 0
                && s[NativeContract.STAT_MISMATCHES] > s[NativeContract.STAT_REPEAT_MISMATCHES]) {
            sb.append(String.format(
                    Locale.ROOT,
                    "; first at frame %d (%d frames against %d): %s against %s",
                    s[NativeContract.STAT_FIRST_INDEX],
                    s[NativeContract.STAT_FIRST_VM_COUNT],
                    s[NativeContract.STAT_FIRST_ASGCT_COUNT],
                    name(s[NativeContract.STAT_FIRST_VM_METHOD], s[NativeContract.STAT_FIRST_VM_BCI]),
                    name(s[NativeContract.STAT_FIRST_ASGCT_METHOD], s[NativeContract.STAT_FIRST_ASGCT_BCI])));
        }
        return sb.toString();
    }

    private static String name(long method, long bci) {
        return method == 0 ? "none" : NativeFrames.frame(method, bci) + " bci " + bci;
    }
}
