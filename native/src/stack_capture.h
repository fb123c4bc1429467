/*
 * Java stacks for the Java hooks, captured with HotSpot's AsyncGetCallTrace and stored once per distinct stack.
 *
 * A hook calls in through JNI (so the thread is in native state with a walkable last Java frame), the frames
 * (method id, bytecode index) are hashed, and a stack seen before costs no memory at all: the caller keeps an
 * int id. The table and the frame arena are allocated once; insertion is lock-free (CAS on the slot). Nothing
 * is allocated on the Java heap, so a hook capturing a stack produces no garbage.
 */
#ifndef JHTRACE_STACK_CAPTURE_H
#define JHTRACE_STACK_CAPTURE_H

#include "jh_contract.h"

#include <jni.h>
#include <jvmti.h>

/* Finds AsyncGetCallTrace and makes sure every method has a jmethodID (now and for classes prepared later).
 * env is the calling thread's (the loaded classes are local references of its frame, each freed once done with).
 * Returns 0, or -1 when the JVM does not offer AsyncGetCallTrace. */
int jh_stacks_init(jvmtiEnv *jvmti, JNIEnv *env);

/* The most frames one stack keeps (JH_MAX_DEPTH) and the most the caller may ask to skip on top. */
#define JH_MAX_DEPTH 1024
#define JH_MAX_SKIP 16

/* The id of the current thread's Java stack (interned), or a negative value when it could not be taken.
 * The `skip` innermost frames (the capturing code's own) are walked but not kept; at most `depth` frames
 * below them are kept. AsyncGetCallTrace costs about the same for every frame it walks, so `depth` is what
 * bounds the cost of a capture in a deep stack. */
jint jh_stacks_capture(JNIEnv *env, int skip, int depth);

/* Walkers: AsyncGetCallTrace only; the VMStructs walker (vm_walker.h), checked against AsyncGetCallTrace for the
 * first JH_WALKER_CHECKED walks and switched off at the first disagreement; or both on every walk, counting
 * disagreements (for tests). */
enum { JH_WALKER_ASGCT = JH_MODE_ASGCT, JH_WALKER_VM = JH_MODE_VM, JH_WALKER_CHECK = JH_MODE_CHECK };
#define JH_WALKER_CHECKED 1000
/* Checked walks where AsyncGetCallTrace may stop short of the walker (it does at deoptimized frames after an attach)
 * before the walker is no longer trusted: about one in a million walks did after an attach under load. */
#define JH_WALKER_SHORT_MAX 16
#define JH_WALKER_REASONS JH_WALK_REASONS /* fallbacks are counted by the walker's reason, -1 to -31 (0: any other) */

/* The first walk on which the two walkers disagreed. */
typedef struct {
    int index, vm_count, asgct_count;
    jmethodID vm_method, asgct_method;
    jint vm_bci, asgct_bci;
} jh_walker_mismatch;

typedef struct {
    int mode;
    long vm_walks, fallbacks, checked, unchecked, mismatches;
    long asgct_short; /* compared walks where AsyncGetCallTrace's frames were a strict prefix of the walker's */
    long repeats, repeats_checked, repeat_mismatches; /* walks recognised as seen before (jh_vmwalk_again) */
    jh_walker_mismatch first_mismatch;
    long fallback_reasons[JH_WALKER_REASONS];
} jh_walker_stats;

/* Chooses the walker (JH_WALKER_*) from the calling Java thread; returns 0, or the VMStructs walker's negative
 * reason for being unavailable (AsyncGetCallTrace is then used). A negative mode only initialises the VMStructs
 * walker (its layout can then be read) and leaves the walker in use as it is. */
int jh_stacks_walker(JNIEnv *env, int mode);

/* What the walkers did so far. */
void jh_stacks_walker_stats(jh_walker_stats *stats);

/* Copies the frames of stack id (innermost first) as (method id, bytecode index) pairs into out (room for max pairs);
 * returns the number of frames, or -1 for an unknown id. */
int jh_stacks_frames(jint id, jlong *out, int max);

#endif
