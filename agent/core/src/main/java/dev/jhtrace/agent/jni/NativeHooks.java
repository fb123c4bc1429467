package dev.jhtrace.agent.jni;

import dev.jhtrace.agent.AgentJar;
import dev.jhtrace.agent.DropLedger;
import dev.jhtrace.agent.WalkerMode;
import dev.jhtrace.agent.hook.JdkAccess;
import dev.jhtrace.agent.os.ProcessInfo;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The native module ({@code native/}, libjhtrace.so): libc hooks in native code (JNI libraries, JNA, FFM),
 * with Java stacks. Loaded from the agent jar when one is built for this OS and CPU; otherwise jhtrace works
 * in pure Java and says so once.
 */
public final class NativeHooks {

    /** True once the native module can take Java stacks for the Java hooks (AsyncGetCallTrace). */
    public static volatile boolean fastStacks;

    private NativeHooks() {}

    /**
     * Loads and starts the native module.
     *
     * @param jar the agent's jar, holding the library
     * @return null on success, else the reason it is not available
     */
    static String load(AgentJar jar, WalkerMode walker) {
        String unavailable = loadLibrary(jar);
        if (unavailable != null) {
            return unavailable;
        }
        String mismatch = NativeContract.mismatch(contract0());
        if (mismatch != null) {
            // a module built from other sources than these classes: its records would be misread
            return "the native module does not match this agent (" + mismatch + ")";
        }
        int code = start0(System.getProperty("java.home"), DropLedger.process().buffer());
        if (code == NativeContract.START_OK) {
            WalkerCheck.choose(walker);
            nativeFrame = calibrate();
            fastStacks = fastStacks0();
            loaded = true;
        }
        return code == NativeContract.START_OK ? null : "the native module did not start: " + startError(code);
    }

    private static String startError(int code) {
        return switch (code) {
            case NativeContract.START_NO_JVMTI -> "no JVMTI environment";
            case NativeContract.START_NO_LOADER -> "dlopen/dlsym not found";
            case NativeContract.START_NO_RING -> "ring setup failed";
            case NativeContract.START_TWICE -> "already started";
            default -> "error " + code;
        };
    }

    /** Set once the library is mapped, with or without its hooks started: the control channel needs only this. */
    public static volatile boolean libraryLoaded;

    /**
     * Maps the library without starting its hooks (with {@code native=false} the control channel still uses it).
     *
     * @param jar the agent's jar, holding the library
     * @return null once it is loaded (now or before), else the reason it is not
     */
    static synchronized String loadLibrary(AgentJar jar) {
        if (libraryLoaded) {
            return null;
        }
        if (agentLibrary != null) {
            return loadAgentLibrary();
        }
        String arch = System.getProperty("os.arch");
        String resource = "dev/jhtrace/native/linux-" + arch + "/libjhtrace.so";
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return "no native module for " + System.getProperty("os.name");
        }
        try (InputStream in = jar.entry(resource)) {
            if (in == null) {
                return "no native module for linux-" + arch + " in the agent jar";
            }
            // a name of our own rather than createTempDirectory's: that one initialises SecureRandom, which would
            // open /dev/urandom on the program's behalf before the program does
            Path dir = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "jhtrace-native-" + ProcessInfo.pid() + "-" + System.nanoTime());
            Files.createDirectory(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path lib = dir.resolve("libjhtrace.so");
            try {
                // java.io, not Files.copy: NIO's stream makes a FileChannel, whose first use has JDK 17 create a
                // socketpair
                // for itself (FileDispatcherImpl's pre-close descriptor) that the program would never have had
                try (java.io.FileOutputStream out = new java.io.FileOutputStream(lib.toFile())) {
                    in.transferTo(out);
                }
                JdkAccess.loadLibrary(NativeHooks.class, lib.toString());
            } finally {
                // mapped now: the file is not needed any more, and nothing is left in /tmp
                Files.deleteIfExists(lib);
                Files.deleteIfExists(dir);
            }
        } catch (Exception | LinkageError e) {
            return "the native module did not load: " + e;
        }
        libraryLoaded = true;
        // strerror's texts in this process's locale, for the report at the first "Too many open files"
        dev.jhtrace.agent.os.DescriptorExhaustion.learn(descriptorErrorTexts0());
        return null;
    }

    /** The native start's library (mapped by the JVM from {@code -agentpath}), or null for {@code -javaagent}. */
    private static volatile String agentLibrary;

    /** Whether the native start bound {@link #agentLibrary}'s JNI methods to this class loader itself. */
    private static volatile boolean agentLibraryBound;

    /**
     * Makes the agent use the library the JVM started it from rather than a copy out of the jar: one library, one
     * set of hooks, and nothing to copy at start-up.
     *
     * @param library the library's absolute path
     * @param bound   whether its JNI methods are bound to this class loader already
     */
    public static void startedFrom(String library, boolean bound) {
        agentLibrary = library;
        agentLibraryBound = bound;
    }

    private static String loadAgentLibrary() {
        try {
            if (!agentLibraryBound) {
                // the JVM mapped it already: this binds its JNI methods to this class loader (JNI_OnLoad)
                JdkAccess.loadLibrary(NativeHooks.class, agentLibrary);
            }
        } catch (Exception | LinkageError e) {
            return "the native module did not load: " + e;
        }
        libraryLoaded = true;
        dev.jhtrace.agent.os.DescriptorExhaustion.learn(descriptorErrorTexts0());
        return null;
    }

    /** @return the module's {@code jh_contract.h}, {@code NAME=value} lines (see {@link NativeContract}) */
    static native String contract0();

    static native int start0(String javaHome, ByteBuffer dropLedger);

    /** @param on whether the native hooks record events */
    public static native void setEnabled0(boolean on);

    /** @return the events the native ring dropped so far */
    public static native long dropped0();

    /**
     * @param buffer a direct buffer to fill with records ({@link NativeRecord})
     * @return the bytes written
     */
    public static native int drain0(ByteBuffer buffer);

    static native Object[] method0(long methodId);

    static native int line0(long methodId, long location);

    /** @return {@code lib.so!symbol+0x1a} for a code address, or null when no library holds it */
    public static native String symbol0(long address);

    /** @return the name of the hooked libc function with that index, or null */
    public static native String hookName0(int call);

    /** @return the C library's texts of EMFILE and ENFILE in this process's locale, as bytes */
    static native byte[][] descriptorErrorTexts0();

    /** @return the JVM's live platform threads, or null when JVMTI could not list them */
    static native Thread[] threads0();

    /**
     * @param threads threads from {@link #threads0()}
     * @return per thread the JNIEnv address its native events carry (0 once it has ended), or null when this VM's
     *     layout does not let it be told
     */
    static native long[] threadEnvs0(Thread[] threads);

    static native boolean fastStacks0();

    /**
     * @param mode {@link NativeContract#MODE_ASGCT}, {@code MODE_VM} (HotSpot's structures, checked against
     *             AsyncGetCallTrace for the first walks), {@code MODE_CHECK} (both on every walk) or {@code MODE_INIT_ONLY}
     * @return 0, or why the structures' walker is unavailable ({@code NativeContract.INIT_*}; AsyncGetCallTrace is used)
     */
    static native int walker0(int mode);

    /**
     * @return the walkers' statistics, indexed by {@code NativeContract.STAT_*}, then from {@code STAT_REASONS} the
     *     fallbacks by the walk's reason ({@code STAT_REASONS + r} for reason {@code -r}, {@code STAT_REASONS} for others)
     */
    static native long[] walkerStats0();

    /** @return the VMStructs walker's layout fingerprint, 0 when it is not initialised (see WalkerCheck) */
    static native long walkerLayout0();

    /** @return the name of the first code blob the stack walker met and did not know (its walk fell back), or null */
    static native String walkerUnknown0();

    /**
     * @param skip  innermost frames to walk but not keep (the capture's own)
     * @param depth the most frames to keep below them
     * @return the interned stack's id, or a negative value when it could not be taken (then capture it in Java)
     */
    public static native int captureStack0(int skip, int depth);

    static native long[] stackFrames0(int id);

    /** 1 if AsyncGetCallTrace lists the native method that calls it ({@code captureStack0}) as a frame, else 0. */
    public static volatile int nativeFrame = 1;

    /** @return whether the innermost frame of a capture is {@code captureStack0} itself */
    private static int calibrate() {
        if (!fastStacks0()) {
            return 1;
        }
        int id = captureStack0(0, 4);
        StackTraceElement[] frames = id > 0 ? NativeFrames.resolve(id) : new StackTraceElement[0];
        return frames.length > 0 && frames[0].getMethodName().equals("captureStack0") ? 1 : 0;
    }

    /** Set once the module is loaded and started, so that its other services (listing descriptors) may be used. */
    public static volatile boolean loaded;

    /**
     * @param dir a {@code /proc/<pid>/fd} directory
     * @return {@code fd\ttarget\n} lines for its descriptors, leaving out the listing's own, or null on error
     */
    public static native byte[] listFds0(String dir);
}
