package dev.jhtrace.agent;

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
final class WalkerCheck {
    /** Where {@link NativeHooks#walkerStats0()} begins the fallbacks by reason. */
    private static final int REASONS = 17;
    /** Where walkerStats0 holds the walks on which AsyncGetCallTrace stopped short of the walker (not disagreements). */
    private static final int ASGCT_SHORT = 16;

    private WalkerCheck() {
    }

    /**
     * @param walker the {@code walker=} option
     * @return the mode the native module takes
     */
    static int mode(String walker) {
        return switch (walker) {
            case "asgct" -> 0;
            case "check" -> 2;
            case "vm" -> 1;
            default -> 1; // auto: provisional, until choose() has compared the layout with the verified ones
        };
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
    static boolean verifiedLayout(long layout) {
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
    static void choose(String walker) {
        if (walker.equals("auto")) {
            // initialised only (-1), so that the layout it read is compared before any capture may use the walker
            if (NativeHooks.walker0(-1) == 0 && verifiedLayout(NativeHooks.walkerLayout0())) {
                NativeHooks.walker0(1);
            }
            return;
        }
        int code = NativeHooks.walker0(mode(walker));
        if (code != 0 && walker.equals("check")) {
            AgentLog.warn("jhtrace: walker=check: the structures' walker is unavailable on this JVM (" + code
                    + "); stacks come from AsyncGetCallTrace");
        }
    }

    /**
     * @return a warning when the structures' walker disagreed with AsyncGetCallTrace during its first walks and was
     *     switched off for the rest of the run (stacks stay right, captures cost more), else null
     */
    static String switchedOff() {
        long[] s = NativeHooks.walkerStats0();
        if (s == null || s[0] != 0 || s[4] == 0) {
            return null;
        }
        return "jhtrace: the native stack walker disagreed with AsyncGetCallTrace on this JVM and is off for this run "
                + "(stacks come from AsyncGetCallTrace, at a higher cost; walker=check tells where)";
    }

    /** @return one line on what the walkers did, naming the first frame they disagreed on */
    static String summary() {
        long[] s = NativeHooks.walkerStats0();
        if (s == null) {
            return "jhtrace: walker check: no statistics";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "jhtrace: walker check: %d walks by HotSpot's structures, %d fell back to AsyncGetCallTrace, %d compared, "
                        + "%d disagreed, %d not compared (AsyncGetCallTrace could not walk); %d walks recognised as "
                        + "repeats and not taken again, %d repeats checked against a full walk, %d of them named another stack",
                s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]));
        sb.append(String.format(Locale.ROOT, "; layout 0x%016xL (%s)", NativeHooks.walkerLayout0(),
                verifiedLayout(NativeHooks.walkerLayout0()) ? "verified" : "not among the verified: walker=auto uses AsyncGetCallTrace"));
        if (s.length > ASGCT_SHORT && s[ASGCT_SHORT] > 0) {
            sb.append(String.format(Locale.ROOT, "; %d compared walks where AsyncGetCallTrace stopped short (its frames the "
                    + "first of the walker's; not counted as disagreements)", s[ASGCT_SHORT]));
        }
        StringBuilder reasons = new StringBuilder();
        for (int i = REASONS; i < s.length; i++) {
            if (s[i] > 0) {
                reasons.append(reasons.length() == 0 ? "" : ", ").append(i == REASONS ? "other" : String.valueOf(REASONS - i))
                        .append(": ").append(s[i]);
            }
        }
        if (reasons.length() > 0) {
            String unknown = NativeHooks.walkerUnknown0();
            sb.append(" (fallbacks by reason ").append(reasons).append(unknown == null ? "" : "; first unknown code blob: " + unknown)
                    .append(')');
        }
        if (s[4] > 0 && s[4] > s[8]) {
            sb.append(String.format(Locale.ROOT, "; first at frame %d (%d frames against %d): %s against %s", s[9], s[10], s[11],
                    name(s[12], s[13]), name(s[14], s[15])));
        }
        return sb.toString();
    }

    private static String name(long method, long bci) {
        return method == 0 ? "none" : NativeFrames.frame(method, bci) + " bci " + bci;
    }
}
