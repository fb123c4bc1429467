/*
 * A walker of the current thread's Java frames that reads HotSpot's own structures (the VMStructs tables libjvm
 * exports for its serviceability agent) instead of calling AsyncGetCallTrace.
 *
 * Why: AsyncGetCallTrace validates every frame for use from a signal handler at any instruction, which costs
 * about 65 ns per frame here; a hook calling in through JNI is at a known, walkable point, so a walker that only
 * steps frames (code cache lookup, frame size) and decodes compiled frames' debug information costs a fraction
 * of that. It gives the same frames AsyncGetCallTrace gives (the caller checks this against AsyncGetCallTrace,
 * see stack_capture.c), and gives up on any frame it does not understand (an error, never a guess): the caller
 * then asks AsyncGetCallTrace. x86_64 HotSpot only; elsewhere jh_vmwalk_init fails and nothing changes.
 */
#ifndef JHTRACE_VM_WALKER_H
#define JHTRACE_VM_WALKER_H

#include <jni.h>
#include <stdint.h>

/* One Java frame, laid out as AsyncGetCallTrace's ASGCT_CallFrame. */
typedef struct {
    jint bci; /* bytecode index; JH_BCI_NATIVE for a native method */
    jmethodID method;
} jh_java_frame;

#define JH_BCI_NATIVE (-3)

/* Reads the structures' layout from libjvm. env is the calling Java thread's (it finds where the JNIEnv sits
 * in HotSpot's thread object). Returns 0, or a negative reason: the walker then stays off. */
int jh_vmwalk_init(JNIEnv *env);

/* Walks the calling thread's Java frames, innermost first, from its last Java frame (the thread must be in a
 * JNI call), into out (at most max). Returns the number of frames, or a negative value when some frame is not
 * one it understands (then nothing in out is meaningful). */
int jh_vmwalk(JNIEnv *env, jh_java_frame *out, int max);

/* The stack id the caller remembered (jh_vmwalk_remember) under key for a walk of this thread that would find
 * the same frames as one now, or 0: a loop's hook walks the same stack again and again. */
jint jh_vmwalk_again(JNIEnv *env, int key);

/* Keeps the id the caller made of the thread's last jh_vmwalk (its interned stack) under key (what the caller
 * asked of the walk: skip and depth), for jh_vmwalk_again. */
void jh_vmwalk_remember(int key, jint id);

/* The name of the first code blob a walk found and did not know (a walk then falls back), or NULL. */
const char *jh_vmwalk_first_unknown(void);

/* A fingerprint of the layout the walker read from VMStructs (every field offset, type size and constant it uses),
 * 0 before a successful jh_vmwalk_init: walker=auto trusts the walker only on layouts it was verified on. */
uint64_t jh_vmwalk_layout(void);

#endif
