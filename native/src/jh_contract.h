/*
 * The contract between the native module and the agent's Java code: every record layout, array index, mode and
 * code that crosses JNI, named once here. Its Java twin is dev.jhtrace.agent.NativeContract, constant for constant
 * with the same names (without the JH_ prefix).
 *
 * Why one place: the two sides read each other's bytes and numbers by position; a field added on one side only
 * would make the other misread without an error. So the module reports every value here at start (nh_contract0,
 * built from this list by jh_contract_text) and the agent refuses a module whose values differ from its own; and
 * the build's C test writes a drain record with known values that a Java unit test decodes field by field
 * (NativeContractTest). Every value is a macro so that it can be printed by name.
 */
#ifndef JHTRACE_JH_CONTRACT_H
#define JHTRACE_JH_CONTRACT_H

/* --- a drain record (nh_drain0 -> NativeDrain): a header, the path padded to 8 bytes, then the frames ------- */
#define JH_REC_TYPE 0           /* int32: JH_EVENT_* */
#define JH_REC_FD 4             /* int32 */
#define JH_REC_ERR 8            /* int32: errno of a failed call (bad references) */
#define JH_REC_TID 12           /* int32: the kernel's thread id */
#define JH_REC_CALL 16          /* int32: index of the hooked function (nh_hookName0) */
#define JH_REC_NFRAMES 20       /* int32: Java frames that follow the path */
#define JH_REC_PATH_LENGTH 24   /* int32: bytes of path, without padding or terminator */
#define JH_REC_DROPS 28         /* int32: the drop ledger's count for fd when the hook recorded it */
#define JH_REC_TIME 32          /* int64: CLOCK_MONOTONIC ns, System.nanoTime()'s clock */
#define JH_REC_CALLER 40        /* int64: return address of the hooked call */
#define JH_REC_THREAD 48        /* 16 bytes: the thread's name, NUL-padded */
#define JH_REC_THREAD_BYTES 16
#define JH_REC_ENV 64           /* int64: the thread's JNIEnv address, 0 when not a Java thread (names it, see java_threads.h) */
#define JH_REC_HEADER 72        /* bytes before the path */
#define JH_REC_PATH_ALIGN 8
#define JH_REC_FRAME_BYTES 16   /* per frame: int64 jmethodID, int64 bytecode index */
#define JH_REC_MAX_PATH 256
#define JH_REC_MAX_FRAMES 64

#define JH_EVENT_OPEN 1
#define JH_EVENT_CLOSE 2
#define JH_EVENT_BAD_REFERENCE 3

/* --- the drop ledger (nh_start0's direct buffer): one int32 count per fd number below this ------------------ */
#define JH_DROP_LEDGER_SLOTS 4096

/* --- nh_start0's result ---------------------------------------------------------------------------------- */
#define JH_START_OK 0
#define JH_START_NO_JVMTI 1
#define JH_START_NO_LOADER 2    /* dlopen/dlsym not found */
#define JH_START_NO_RING 3
#define JH_START_TWICE 4

/* --- nh_walker0's modes, and its reasons for the structures' walker being unavailable ------------------- */
#define JH_MODE_INIT_ONLY (-1)  /* initialise the structures' walker (its layout can be read), change nothing */
#define JH_MODE_ASGCT 0
#define JH_MODE_VM 1            /* the structures' walker, checked against AsyncGetCallTrace at first */
#define JH_MODE_CHECK 2         /* both on every walk */

#define JH_INIT_NO_TABLES (-1)          /* libjvm exports no VMStructs tables */
#define JH_INIT_FRAME_LAYOUT (-3)       /* not the x86_64 frame layout the walker knows */
#define JH_INIT_MISSING_FIELD (-4)
#define JH_INIT_NMETHOD_LAYOUT (-5)     /* neither nmethod layout the walker knows */
#define JH_INIT_ENV_OFFSET (-6)         /* the JNIEnv's place in JavaThread not found */
#define JH_INIT_CHECK_JNI (-7)          /* -Xcheck:jni: HotSpot would print about the fault handler */
#define JH_INIT_FAULT_HANDLER (-8)      /* the guarded reads' fault handler could not be installed */
#define JH_INIT_NOT_X86_64 (-100)
#define JH_INIT_NO_ASGCT (-200)         /* no AsyncGetCallTrace: the module takes no stacks */

/* --- a walk's reasons to fall back to AsyncGetCallTrace (jh_vmwalk's negative results) ------------------- */
#define JH_WALK_NOT_READY (-1)
#define JH_WALK_ANCHOR_OUTSIDE_STACK (-2)
#define JH_WALK_TOO_MANY_FRAMES (-3)
#define JH_WALK_ENTRY_FP (-4)           /* an entry frame's fp outside the stack */
#define JH_WALK_CALL_WRAPPER (-5)       /* its JavaCallWrapper outside the stack */
#define JH_WALK_ENTRY_CALLER (-6)       /* the Java frame below it outside the stack */
#define JH_WALK_NO_CODE_BLOB (-7)       /* a pc in no code blob */
#define JH_WALK_NO_METHOD (-8)          /* an nmethod without a method */
#define JH_WALK_NATIVE_FRAME (-9)       /* a native method's frame where none is expected */
#define JH_WALK_FRAME_SIZE (-10)
#define JH_WALK_BEYOND_STACK (-11)      /* a compiled frame's caller beyond the stack's base */
#define JH_WALK_INTERPRETER_FP (-12)
#define JH_WALK_INTERPRETER_METHOD (-13)
#define JH_WALK_BCI (-14)               /* a bytecode index outside its method */
#define JH_WALK_SENDER_SP (-15)         /* an interpreted frame's sender outside the stack */
#define JH_WALK_UNKNOWN_BLOB (-16)      /* a stub, an adapter, an upcall: jh_vmwalk_first_unknown names it */
#define JH_WALK_NOT_GROWING (-17)       /* a caller's stack pointer not above its callee's */
#define JH_WALK_DEBUG_BOUNDS (-20)      /* an nmethod's debug information out of order */
#define JH_WALK_NO_PC_DESC (-21)
#define JH_WALK_NO_DEBUG_INFO (-22)
#define JH_WALK_SCOPE (-23)             /* an implausible scope chain */
#define JH_WALK_NOT_A_METHOD (-24)      /* debug information naming something that is not a Method */
#define JH_WALK_FAULTED (-25)           /* a guarded read faulted */
#define JH_WALK_REASONS 32              /* fallbacks are counted by -reason below this; 0: any other */

/* --- nh_walkerStats0: a long[] of these, then JH_WALK_REASONS fallback counts by -reason ---------------- */
#define JH_STAT_MODE 0
#define JH_STAT_VM_WALKS 1
#define JH_STAT_FALLBACKS 2
#define JH_STAT_CHECKED 3
#define JH_STAT_MISMATCHES 4
#define JH_STAT_UNCHECKED 5             /* walks AsyncGetCallTrace could not take: not compared */
#define JH_STAT_REPEATS 6               /* walks recognised as repeats (jh_vmwalk_again) and not taken again */
#define JH_STAT_REPEATS_CHECKED 7
#define JH_STAT_REPEAT_MISMATCHES 8
#define JH_STAT_FIRST_INDEX 9           /* the first disagreement: its frame index, */
#define JH_STAT_FIRST_VM_COUNT 10       /* the frames each walker found, */
#define JH_STAT_FIRST_ASGCT_COUNT 11
#define JH_STAT_FIRST_VM_METHOD 12      /* and each walker's method id and bytecode index there */
#define JH_STAT_FIRST_VM_BCI 13
#define JH_STAT_FIRST_ASGCT_METHOD 14
#define JH_STAT_FIRST_ASGCT_BCI 15
#define JH_STAT_ASGCT_SHORT 16          /* compared walks where AsyncGetCallTrace's frames were a prefix of the walker's */
#define JH_STAT_REASONS 17              /* where the fallback counts begin */

/* "NAME=value\n" for every constant above, for nh_contract0. */
const char *jh_contract_text(void);

#endif
