/*
 * The libc functions jhtrace hooks in native code, and the replacements that record them.
 *
 * Every replacement calls the real function first (resolved once with dlsym), then, if tracing is on, this
 * is the process that loaded us (not a vfork child), and the thread is not already inside a hook, claims a
 * ring cell and records the descriptor, the caller's address and the Java stack. No malloc, no stdio, no
 * lock, no call into Java.
 */
#ifndef JHTRACE_FD_HOOKS_H
#define JHTRACE_FD_HOOKS_H

#include "jh_contract.h"

#include "fd_ring.h"
#include "elf_got.h"

#include <jvmti.h>

/* The table of hooked names and replacements, for jh_patch_imports. */
extern const jh_import_patch jh_fd_patches[];
extern const size_t jh_fd_patch_count;

/* The name of hook number i (jh_event.call), or NULL. */
const char *jh_hook_name(int i);

/* Resolves the real functions; returns the number that could not be found. */
int jh_hooks_resolve(void);

/* Number of per-descriptor drop counters in a drop ledger (DropLedger.SLOTS on the Java side). */
#define JH_DROP_SLOTS JH_DROP_LEDGER_SLOTS

/*
 * Starts recording into ring, with stacks from jvmti (may be NULL: no stacks) and each event's JNIEnv from vm (may
 * be NULL: events carry none, and keep the kernel's thread name). drops (may be NULL) is the drop
 * ledger shared with the Java side: JH_DROP_SLOTS counters, one more whenever an event for a descriptor number
 * (modulo JH_DROP_SLOTS) is dropped; every event carries its number's count, so a report can tell whether a
 * handle's later events may have been lost.
 */
void jh_hooks_start(jh_ring *ring, jvmtiEnv *jvmti, JavaVM *vm, _Atomic int32_t *drops);

/* Turns recording on or off; the patched slots stay in place. */
void jh_hooks_set_enabled(int on);

/* What dlsym() should answer for name when it resolved to real: our replacement for a hooked libc function. */
void *jh_hooks_dlsym_answer(const char *name, void *real);

#endif
