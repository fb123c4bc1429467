package dev.jhtrace.agent.jni;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The Java names of the threads native events come from, for the native drain (used on its thread only).
 *
 * <p>A hook can only read the kernel's name of its thread, which is the Java name cut at 15 bytes ({@code
 * epollEventLoopG}), {@code java} for {@code main}, and whatever native code set for a thread it attached. It
 * also records the thread's JNIEnv address, which names one live Java thread; a census of the live threads
 * ({@code java_threads.h}) maps those addresses to names. A census is taken when an address is unknown, or when
 * the known name does not begin with the kernel's name (the address of a thread that ended, reused by a new one).
 * Censuses spend a time budget: a program making threads at a high rate costs the drain at most a twentieth of its
 * time over the long run, while a burst (the few threads a program starts at once, each first seen just after the
 * last census) is answered in full rather than with the kernel's names. An event from a thread that ended before
 * any census saw it keeps the kernel's name (docs/native.md).
 */
public final class JavaThreadNames {
    /** Takes a census: JNIEnv address to Java name of every live thread, or null when it cannot be taken. */
    interface Census {
        Map<Long, String> take();
    }

    /** What one address was found to be: the thread id and kernel name it came with, the Java name it resolved to. */
    private record Resolved(int tid, String kernelName, String javaName) {}

    /** The drain's time earns census time at this rate: one twentieth. */
    private static final int CENSUS_COST_FACTOR = 20;
    /** The most census time saved up: a burst of new threads gets several censuses in a row. */
    static final long CENSUS_BURST_NANOS = 20_000_000L;
    /** What a census is charged at least, however fast the clock says it was. */
    private static final long CENSUS_MIN_COST_NANOS = 50_000L;

    private final Census census;
    private final LongSupplier clock;
    private final Map<Long, Resolved> resolved = new HashMap<>();
    private Map<Long, String> live = Map.of();
    private long budgetNanos = CENSUS_BURST_NANOS;
    private long earnedUpTo;
    private boolean clockStarted;
    private boolean unavailable;

    /** Names from the JVM's own thread list (the native module's {@code threads0} and {@code threadEnvs0}). */
    public JavaThreadNames() {
        this(new JvmCensus(), new MonotonicClock());
    }

    /*
     * Classes, not method references: the native drain makes this before main, and a lambda is a class spun at run
     * time (with the JDK's ASM, cold), about a millisecond each.
     */

    /** {@link #fromJvm}. */
    private static final class JvmCensus implements Census {
        @Override
        public Map<Long, String> take() {
            return fromJvm();
        }
    }

    /** {@link System#nanoTime}. */
    private static final class MonotonicClock implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }

    JavaThreadNames(Census census, LongSupplier clock) {
        this.census = census;
        this.clock = clock;
    }

    /**
     * @param env        the JNIEnv address the hook recorded, 0 for a thread not attached to the JVM
     * @param tid        the kernel's thread id the hook recorded (0 when unknown): a thread that got the address of one
     *                   that ended has another, even when their kernel names are the same 15 bytes
     *                   ({@code pool-1-thread-1x})
     * @param kernelName the kernel's name the hook recorded, or null
     * @return the thread's Java name, or {@code kernelName} when it cannot be told
     */
    public String nameOf(long env, int tid, String kernelName) {
        if (env == 0 || unavailable) {
            return kernelName;
        }
        Resolved known = resolved.get(env);
        if (known != null && known.tid() == tid && Objects.equals(known.kernelName(), kernelName)) {
            return known.javaName();
        }
        String name = live.get(env);
        if (name == null || !begins(name, kernelName) || known != null && known.tid() != tid) {
            if (!takeCensus()) {
                // a name from an older census that disagrees with the kernel's, or that another thread id had at this
                // address, may be another thread's: not used
                boolean otherThread = known != null && known.tid() != tid;
                return !otherThread && name != null && begins(name, kernelName) ? name : kernelName;
            }
            name = live.get(env);
        }
        if (name == null) {
            return kernelName;
        }
        // after a fresh census the address is a live thread's: a name that disagrees is main's ("java") or a thread
        // renamed by another thread, so the Java name is the one people know it by
        resolved.put(env, new Resolved(tid, kernelName, name));
        return name;
    }

    private boolean takeCensus() {
        long now = clock.getAsLong();
        if (clockStarted) {
            long earned = (now - earnedUpTo) / CENSUS_COST_FACTOR;
            budgetNanos = Math.min(CENSUS_BURST_NANOS, budgetNanos + Math.max(0, earned));
        }
        clockStarted = true;
        earnedUpTo = now;
        if (budgetNanos <= 0) {
            return false;
        }
        Map<Long, String> taken = census.take();
        long took = clock.getAsLong() - now;
        budgetNanos -= Math.max(took, CENSUS_MIN_COST_NANOS);
        if (taken == null) {
            unavailable = true;
            return false;
        }
        live = taken;
        resolved.entrySet().removeIf(e -> !e.getValue().javaName().equals(taken.get(e.getKey())));
        return true;
    }

    /**
     * Whether a Java name is one the kernel's name was cut from: the kernel's bytes are a prefix of the Java name's,
     * the last character of a full 15 bytes possibly cut inside a UTF-8 sequence.
     */
    static boolean begins(String javaName, String kernelName) {
        if (kernelName == null || javaName.startsWith(kernelName)) {
            return true;
        }
        int cut = kernelName.length() - 1;
        return cut > 0 && kernelName.charAt(cut) == '\uFFFD' && javaName.startsWith(kernelName.substring(0, cut));
    }

    private static Map<Long, String> fromJvm() {
        try {
            Thread[] threads = NativeHooks.threads0();
            long[] envs = threads != null ? NativeHooks.threadEnvs0(threads) : null;
            if (envs == null) {
                return null;
            }
            Map<Long, String> names = new HashMap<>();
            for (int i = 0; i < threads.length; i++) {
                if (envs[i] != 0 && threads[i] != null) {
                    names.put(envs[i], threads[i].getName());
                }
            }
            return names;
        } catch (LinkageError e) {
            return null; // an older module without the census: names stay the kernel's
        } catch (RuntimeException | OutOfMemoryError e) {
            return null; // no room for the census now: the kernel's names, never an error in the drain
        }
    }
}
