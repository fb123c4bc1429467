package dev.jhtrace.agent.jni;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java twin of {@code native/src/jh_contract.h}: every record layout, array index, mode and code that crosses
 * JNI, constant for constant, named as there without the {@code JH_} prefix.
 *
 * <p>Why: the two sides read each other's bytes and numbers by position, so a field added on one side only would
 * be misread without an error. The module reports every value of its header at start ({@code contract0}) and
 * {@link #mismatch(String)} compares them with these before the module is started; {@code NativeContractTest}
 * compares the header itself, and decodes a record the C side wrote with known values.
 */
public final class NativeContract {
    private NativeContract() {}

    // a drain record (nh_drain0 -> NativeDrain): a header, the path padded to 8 bytes, then the frames
    /** int32: JH_EVENT_* */
    static final int REC_TYPE = 0;
    /** int32 */
    static final int REC_FD = 4;
    /** int32: errno of a failed call (bad references) */
    static final int REC_ERR = 8;
    /** int32: the kernel's thread id */
    static final int REC_TID = 12;
    /** int32: index of the hooked function (nh_hookName0) */
    static final int REC_CALL = 16;
    /** int32: Java frames that follow the path */
    static final int REC_NFRAMES = 20;
    /** int32: bytes of path, without padding or terminator */
    static final int REC_PATH_LENGTH = 24;
    /** int32: the drop ledger's count for fd when the hook recorded it */
    static final int REC_DROPS = 28;
    /** int64: CLOCK_MONOTONIC ns, System.nanoTime()'s clock */
    static final int REC_TIME = 32;
    /** int64: return address of the hooked call */
    static final int REC_CALLER = 40;
    /** 16 bytes: the thread's name, NUL-padded */
    static final int REC_THREAD = 48;

    static final int REC_THREAD_BYTES = 16;
    /** int64: the thread's JNIEnv address, 0 when not a Java thread (its key in {@link JavaThreadNames}) */
    static final int REC_ENV = 64;
    /** bytes before the path */
    static final int REC_HEADER = 72;

    static final int REC_PATH_ALIGN = 8;
    /** per frame: int64 jmethodID, int64 bytecode index */
    static final int REC_FRAME_BYTES = 16;

    static final int REC_MAX_PATH = 256;
    static final int REC_MAX_FRAMES = 64;
    /** A record's {@code REC_TYPE}: an open. */
    public static final int EVENT_OPEN = 1;
    /** A close. */
    public static final int EVENT_CLOSE = 2;

    static final int EVENT_BAD_REFERENCE = 3;

    // the drop ledger (nh_start0's direct buffer): one int32 count per fd number below this
    /** Counters in the drop ledger: one per descriptor number modulo this. */
    public static final int DROP_LEDGER_SLOTS = 4096;

    // nh_start0's result
    static final int START_OK = 0;
    static final int START_NO_JVMTI = 1;
    /** dlopen/dlsym not found */
    static final int START_NO_LOADER = 2;

    static final int START_NO_RING = 3;
    static final int START_TWICE = 4;

    // nh_walker0's modes, and its reasons for the structures' walker being unavailable
    /** initialise the structures' walker (its layout can be read), change nothing */
    static final int MODE_INIT_ONLY = -1;
    /** AsyncGetCallTrace only. */
    public static final int MODE_ASGCT = 0;
    /** the structures' walker, checked against AsyncGetCallTrace at first */
    public static final int MODE_VM = 1;
    /** both on every walk */
    public static final int MODE_CHECK = 2;
    /** libjvm exports no VMStructs tables */
    static final int INIT_NO_TABLES = -1;
    /** not the x86_64 frame layout the walker knows */
    static final int INIT_FRAME_LAYOUT = -3;

    static final int INIT_MISSING_FIELD = -4;
    /** neither nmethod layout the walker knows */
    static final int INIT_NMETHOD_LAYOUT = -5;
    /** the JNIEnv's place in JavaThread not found */
    static final int INIT_ENV_OFFSET = -6;
    /** -Xcheck:jni: HotSpot would print about the fault handler */
    static final int INIT_CHECK_JNI = -7;
    /** the guarded reads' fault handler could not be installed */
    static final int INIT_FAULT_HANDLER = -8;

    static final int INIT_NOT_X86_64 = -100;
    /** no AsyncGetCallTrace: the module takes no stacks */
    static final int INIT_NO_ASGCT = -200;

    // a walk's reasons to fall back to AsyncGetCallTrace (jh_vmwalk's negative results)
    static final int WALK_NOT_READY = -1;
    static final int WALK_ANCHOR_OUTSIDE_STACK = -2;
    static final int WALK_TOO_MANY_FRAMES = -3;
    /** an entry frame's fp outside the stack */
    static final int WALK_ENTRY_FP = -4;
    /** its JavaCallWrapper outside the stack */
    static final int WALK_CALL_WRAPPER = -5;
    /** the Java frame below it outside the stack */
    static final int WALK_ENTRY_CALLER = -6;
    /** a pc in no code blob */
    static final int WALK_NO_CODE_BLOB = -7;
    /** an nmethod without a method */
    static final int WALK_NO_METHOD = -8;
    /** a native method's frame where none is expected */
    static final int WALK_NATIVE_FRAME = -9;

    static final int WALK_FRAME_SIZE = -10;
    /** a compiled frame's caller beyond the stack's base */
    static final int WALK_BEYOND_STACK = -11;

    static final int WALK_INTERPRETER_FP = -12;
    static final int WALK_INTERPRETER_METHOD = -13;
    /** a bytecode index outside its method */
    static final int WALK_BCI = -14;
    /** an interpreted frame's sender outside the stack */
    static final int WALK_SENDER_SP = -15;
    /** a stub, an adapter, an upcall: jh_vmwalk_first_unknown names it */
    static final int WALK_UNKNOWN_BLOB = -16;
    /** a caller's stack pointer not above its callee's */
    static final int WALK_NOT_GROWING = -17;
    /** an nmethod's debug information out of order */
    static final int WALK_DEBUG_BOUNDS = -20;

    static final int WALK_NO_PC_DESC = -21;
    static final int WALK_NO_DEBUG_INFO = -22;
    /** an implausible scope chain */
    static final int WALK_SCOPE = -23;
    /** debug information naming something that is not a Method */
    static final int WALK_NOT_A_METHOD = -24;
    /** a guarded read faulted */
    static final int WALK_FAULTED = -25;
    /** fallbacks are counted by -reason below this; 0: any other */
    static final int WALK_REASONS = 32;

    // nh_walkerStats0: a long[] of these, then JH_WALK_REASONS fallback counts by -reason
    static final int STAT_MODE = 0;
    static final int STAT_VM_WALKS = 1;
    static final int STAT_FALLBACKS = 2;
    static final int STAT_CHECKED = 3;
    static final int STAT_MISMATCHES = 4;
    /** walks AsyncGetCallTrace could not take: not compared */
    static final int STAT_UNCHECKED = 5;
    /** walks recognised as repeats (jh_vmwalk_again) and not taken again */
    static final int STAT_REPEATS = 6;

    static final int STAT_REPEATS_CHECKED = 7;
    static final int STAT_REPEAT_MISMATCHES = 8;
    /** the first disagreement: its frame index */
    static final int STAT_FIRST_INDEX = 9;
    /** the frames each walker found */
    static final int STAT_FIRST_VM_COUNT = 10;

    static final int STAT_FIRST_ASGCT_COUNT = 11;
    /** and each walker's method id and bytecode index there */
    static final int STAT_FIRST_VM_METHOD = 12;

    static final int STAT_FIRST_VM_BCI = 13;
    static final int STAT_FIRST_ASGCT_METHOD = 14;
    static final int STAT_FIRST_ASGCT_BCI = 15;
    /** compared walks where AsyncGetCallTrace's frames were a prefix of the walker's */
    static final int STAT_ASGCT_SHORT = 16;
    /** where the fallback counts begin */
    static final int STAT_REASONS = 17;

    /**
     * A hash of this contract ({@link #canonical} of {@link #constants()}, FNV-1a): a module that reports exactly this
     * one matches without this class's fields being read by reflection, whose first read spins method-handle classes
     * on JDK 18 and later at every start. {@code NativeContractTest} fails with the new value when a constant changes.
     */
    static final long CONTRACT_HASH = 0x79d8965444669047L;

    /**
     * @param byName constants by name, values as text or numbers
     * @return {@code NAME=value} lines sorted by name: the same for the same contract in any order
     */
    static String canonical(Map<String, ?> byName) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> e : new java.util.TreeMap<>(byName).entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /**
     * @param theirs the module's constants by name
     * @return whether they are exactly this agent's, by {@link #CONTRACT_HASH}
     */
    static boolean isThisContract(Map<String, String> theirs) {
        return hash(canonical(theirs)) == CONTRACT_HASH;
    }

    /** @return the 64-bit FNV-1a hash of the text's UTF-8 bytes */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** @return every constant of this class by its name in the C header ({@code JH_} + the field's name) */
    static Map<String, Integer> constants() {
        Map<String, Integer> all = new LinkedHashMap<>();
        for (Field f : NativeContract.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                try {
                    all.put("JH_" + f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return all;
    }

    /**
     * @param text the module's contract, {@code NAME=value} lines ({@code jh_contract_text})
     * @return null when it is this agent's, else what differs (the first few names)
     */
    static String mismatch(String text) {
        Map<String, String> theirs = parse(text);
        if (isThisContract(theirs)) {
            return null; // known without reflection
        }
        Map<String, Integer> ours = constants();
        StringBuilder diff = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Integer> e : ours.entrySet()) {
            String v = theirs.remove(e.getKey());
            if (!String.valueOf(e.getValue()).equals(v) && shown++ < 3) {
                diff.append(diff.length() == 0 ? "" : ", ")
                        .append(e.getKey())
                        .append(": agent ")
                        .append(e.getValue())
                        .append(", module ")
                        .append(v == null ? "none" : v);
            }
        }
        for (String name : theirs.keySet()) {
            if (shown++ < 3) {
                diff.append(diff.length() == 0 ? "" : ", ").append(name).append(": unknown to the agent");
            }
        }
        return shown == 0 ? null : diff.toString();
    }

    /**
     * @param text the module's contract, {@code NAME=value} lines
     * @return its constants by name, values without parentheses
     */
    static Map<String, String> parse(String text) {
        Map<String, String> theirs = new LinkedHashMap<>();
        for (String line : text == null ? new String[0] : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                theirs.put(
                        line.substring(0, eq),
                        line.substring(eq + 1).replace("(", "").replace(")", "").trim());
            }
        }
        return theirs;
    }
}
