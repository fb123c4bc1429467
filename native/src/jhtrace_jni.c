/*
 * The JNI face of the native module, for dev.jhtrace.agent.NativeHooks (registered from JNI_OnLoad, not linked
 * by name: JDK 24+ warns on stderr when it links a native method of a module without native access): start-up, the switch, draining the
 * ring into a direct ByteBuffer, and resolving what hooks recorded (method ids, return addresses) into names,
 * which is done here on the agent's drain thread, never in a hook.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <jvmti.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_jni.h"
#include "fd_hooks.h"
#include "fd_list.h"
#include "fd_ring.h"
#include "lib_scan.h"
#include "stack_capture.h"
#include "vm_walker.h"
#include "drain_record.h"
#include "elf_symbols.h"
#include "jh_contract.h"
#include "java_threads.h"

#define RING_CAPACITY 4096

static jh_cell g_cells[RING_CAPACITY];
static jh_ring g_ring;
static jvmtiEnv *g_jvmti;
static int g_started;
static int g_stacks;

/* Errors as values: 0 on success, else a code NativeHooks turns into a sentence. */
enum { OK = JH_START_OK, E_JVMTI = JH_START_NO_JVMTI, E_LOADER = JH_START_NO_LOADER, E_RING = JH_START_NO_RING, E_TWICE = JH_START_TWICE };

static jint JNICALL nh_start0(JNIEnv *env, jclass cls, jstring javaHome, jobject dropLedger) {
    (void) cls;
    if (g_started) {
        return E_TWICE;
    }
    JavaVM *vm;
    if ((*env)->GetJavaVM(env, &vm) != 0 || (*vm)->GetEnv(vm, (void **) &g_jvmti, JVMTI_VERSION_1_2) != JNI_OK) {
        return E_JVMTI;
    }
    jvmtiCapabilities caps;
    memset(&caps, 0, sizeof(caps));
    caps.can_get_line_numbers = 1;
    caps.can_get_source_file_name = 1;
    (*g_jvmti)->AddCapabilities(g_jvmti, &caps); /* without them frames just lack lines and files */
    if (jh_ring_init(&g_ring, g_cells, RING_CAPACITY) != 0) {
        return E_RING;
    }
    const char *home = (*env)->GetStringUTFChars(env, javaHome, NULL);
    int scan = jh_scan_init(home);
    (*env)->ReleaseStringUTFChars(env, javaHome, home);
    if (scan != 0) {
        return E_LOADER;
    }
    jh_hooks_resolve();
    g_stacks = jh_stacks_init(g_jvmti, env) == 0;
    _Atomic int32_t *drops = NULL;
    if (dropLedger != NULL && (*env)->GetDirectBufferCapacity(env, dropLedger) >= (jlong) (JH_DROP_SLOTS * sizeof(int32_t))) {
        drops = (_Atomic int32_t *) (*env)->GetDirectBufferAddress(env, dropLedger); /* direct, never freed: a static */
    }
    jh_hooks_start(&g_ring, g_jvmti, vm, drops);
    jh_scan_all();
    g_started = 1;
    return OK;
}

static void JNICALL nh_setEnabled0(JNIEnv *env, jclass cls, jboolean on) {
    (void) env;
    (void) cls;
    jh_hooks_set_enabled(on ? 1 : 0);
}

static jlong JNICALL nh_dropped0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jlong) atomic_load(&g_ring.dropped);
}

/*
 * Copies ready events into buf, each as: int type, fd, err, tid, call, nframes, pathLength, drops; long time,
 * caller; char thread[16] (NUL-padded); path bytes padded to 8; nframes x (long method, long location).
 * Returns the number of bytes written.
 */
static jint JNICALL nh_drain0(JNIEnv *env, jclass cls, jobject buf) {
    (void) cls;
    char *out = (*env)->GetDirectBufferAddress(env, buf);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, buf);
    if (out == NULL || capacity <= 0 || !g_started) {
        return 0;
    }
    jlong used = 0;
    for (;;) {
        jh_event *e = jh_ring_peek(&g_ring);
        if (e == NULL) {
            break;
        }
        jlong size = (jlong) jh_record_size(e);
        if (used + size > capacity) {
            break;
        }
        jh_record_write(e, out + used);
        used += size;
        jh_ring_release(&g_ring);
    }
    return (jint) used;
}

/* {class signature, method name, source file, declaring class} of a method id, or null. */
static jobjectArray JNICALL nh_method0(JNIEnv *env, jclass cls, jlong id) {
    (void) cls;
    jmethodID method = (jmethodID) (intptr_t) id;
    jclass declaring;
    char *name = NULL;
    char *signature = NULL;
    char *source = NULL;
    if ((*g_jvmti)->GetMethodDeclaringClass(g_jvmti, method, &declaring) != JVMTI_ERROR_NONE) {
        return NULL;
    }
    (*g_jvmti)->GetClassSignature(g_jvmti, declaring, &signature, NULL);
    (*g_jvmti)->GetMethodName(g_jvmti, method, &name, NULL, NULL);
    (*g_jvmti)->GetSourceFileName(g_jvmti, declaring, &source);
    jclass object = (*env)->FindClass(env, "java/lang/Object");
    jobjectArray result = (*env)->NewObjectArray(env, 4, object, NULL);
    if (result != NULL) {
        (*env)->SetObjectArrayElement(env, result, 0, signature ? (*env)->NewStringUTF(env, signature) : NULL);
        (*env)->SetObjectArrayElement(env, result, 1, name ? (*env)->NewStringUTF(env, name) : NULL);
        (*env)->SetObjectArrayElement(env, result, 2, source ? (*env)->NewStringUTF(env, source) : NULL);
        (*env)->SetObjectArrayElement(env, result, 3, declaring); /* for its module, as Java's own traces show it */
    }
    (*g_jvmti)->Deallocate(g_jvmti, (unsigned char *) signature);
    (*g_jvmti)->Deallocate(g_jvmti, (unsigned char *) name);
    (*g_jvmti)->Deallocate(g_jvmti, (unsigned char *) source);
    (*env)->DeleteLocalRef(env, declaring);
    return result;
}

/* The source line of a bytecode index in a method, or -1. */
static jint JNICALL nh_line0(JNIEnv *env, jclass cls, jlong id, jlong location) {
    (void) env;
    (void) cls;
    jint count = 0;
    jvmtiLineNumberEntry *table = NULL;
    if ((*g_jvmti)->GetLineNumberTable(g_jvmti, (jmethodID) (intptr_t) id, &count, &table) != JVMTI_ERROR_NONE) {
        return location == -1 ? -2 : -1; /* -2: a native method */
    }
    jint line = -1;
    for (jint i = 0; i < count; i++) {
        if (table[i].start_location > location) {
            break;
        }
        line = table[i].line_number;
    }
    (*g_jvmti)->Deallocate(g_jvmti, (unsigned char *) table);
    return line;
}

/* "libfoo.so!symbol+0x1a" for a code address, or null when no library holds it (JIT code: FFM stubs). */
static jstring JNICALL nh_symbol0(JNIEnv *env, jclass cls, jlong address) {
    (void) cls;
    Dl_info info;
    if (address == 0 || dladdr((void *) (intptr_t) address, &info) == 0 || info.dli_fname == NULL) {
        return NULL;
    }
    const char *lib = strrchr(info.dli_fname, '/');
    lib = lib != NULL ? lib + 1 : info.dli_fname;
    char text[512];
    char name[256];
    uintptr_t offset = 0;
    /* the library's own symbol table first: dladdr knows exported functions only, and gives an address in a static
     * function the name of the exported one before it */
    jh_sym_result found = jh_elf_symbolize(info.dli_fname, (uintptr_t) info.dli_fbase, (uintptr_t) address, name,
                                           sizeof(name), &offset);
    if (found == JH_SYM_FOUND) {
        snprintf(text, sizeof(text), "%s!%s+0x%lx", lib, name, (unsigned long) offset);
    } else if (found == JH_SYM_NONE) {
        snprintf(text, sizeof(text), "%s+0x%lx", lib,
                 (unsigned long) ((char *) (intptr_t) address - (char *) info.dli_fbase));
    } else if (info.dli_sname != NULL) {
        snprintf(text, sizeof(text), "%s!%s+0x%lx", lib, info.dli_sname,
                 (unsigned long) ((char *) (intptr_t) address - (char *) info.dli_saddr));
    } else {
        snprintf(text, sizeof(text), "%s+0x%lx", lib, (unsigned long) ((char *) (intptr_t) address - (char *) info.dli_fbase));
    }
    return (*env)->NewStringUTF(env, text);
}

/* Every constant of jh_contract.h as NAME=value lines: the agent refuses a module whose values are not its own. */
static jstring JNICALL nh_contract0(JNIEnv *env, jclass cls) {
    (void) cls;
    return (*env)->NewStringUTF(env, jh_contract_text());
}

static jstring JNICALL nh_hookName0(JNIEnv *env, jclass cls, jint call) {
    (void) cls;
    const char *name = jh_hook_name(call);
    return name != NULL ? (*env)->NewStringUTF(env, name) : NULL;
}


/* Whether Java hooks may take their stacks here (AsyncGetCallTrace found). */
static jboolean JNICALL nh_fastStacks0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return g_stacks ? JNI_TRUE : JNI_FALSE;
}

/* The interned id of the calling thread's Java stack, or a negative value (then capture it in Java). */
static jint JNICALL nh_captureStack0(JNIEnv *env, jclass cls, jint skip, jint depth) {
    (void) cls;
    return jh_stacks_capture(env, skip, depth);
}

/* The VMStructs walker's layout fingerprint (jh_vmwalk_layout), 0 when it is not initialised. */
static jlong JNICALL nh_walkerLayout0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jlong) jh_vmwalk_layout();
}

/* Chooses the stack walker (0 AsyncGetCallTrace, 1 VMStructs checked at first, 2 both always); returns 0 or why
 * the VMStructs walker is unavailable (negative). */
static jint JNICALL nh_walker0(JNIEnv *env, jclass cls, jint mode) {
    (void) cls;
    return g_stacks ? jh_stacks_walker(env, mode) : JH_INIT_NO_ASGCT;
}

/* {mode, VMStructs walks, fallbacks to AsyncGetCallTrace, walks checked, disagreements, walks AsyncGetCallTrace
 * could not take (not compared), walks recognised as repeated (trusted, checked, and naming another stack than
 * a full walk), then the first
 * disagreement: frame index, frames each walker found, each walker's method id and bytecode index there, then
 * the fallbacks by the walker's reason (index -reason; 0 for any other)}. */
static jlongArray JNICALL nh_walkerStats0(JNIEnv *env, jclass cls) {
    (void) cls;
    jh_walker_stats s;
    jh_stacks_walker_stats(&s);
    jlong values[JH_STAT_REASONS];
    values[JH_STAT_MODE] = s.mode;
    values[JH_STAT_VM_WALKS] = s.vm_walks;
    values[JH_STAT_FALLBACKS] = s.fallbacks;
    values[JH_STAT_CHECKED] = s.checked;
    values[JH_STAT_MISMATCHES] = s.mismatches;
    values[JH_STAT_UNCHECKED] = s.unchecked;
    values[JH_STAT_REPEATS] = s.repeats;
    values[JH_STAT_REPEATS_CHECKED] = s.repeats_checked;
    values[JH_STAT_REPEAT_MISMATCHES] = s.repeat_mismatches;
    values[JH_STAT_FIRST_INDEX] = s.first_mismatch.index;
    values[JH_STAT_FIRST_VM_COUNT] = s.first_mismatch.vm_count;
    values[JH_STAT_FIRST_ASGCT_COUNT] = s.first_mismatch.asgct_count;
    values[JH_STAT_FIRST_VM_METHOD] = (jlong) (intptr_t) s.first_mismatch.vm_method;
    values[JH_STAT_FIRST_VM_BCI] = s.first_mismatch.vm_bci;
    values[JH_STAT_FIRST_ASGCT_METHOD] = (jlong) (intptr_t) s.first_mismatch.asgct_method;
    values[JH_STAT_FIRST_ASGCT_BCI] = s.first_mismatch.asgct_bci;
    values[JH_STAT_ASGCT_SHORT] = s.asgct_short;
    jsize n = JH_STAT_REASONS;
    jlongArray result = (*env)->NewLongArray(env, n + JH_WALKER_REASONS);
    if (result != NULL) {
        (*env)->SetLongArrayRegion(env, result, 0, n, values);
        jlong reasons[JH_WALKER_REASONS];
        for (int i = 0; i < JH_WALKER_REASONS; i++) {
            reasons[i] = s.fallback_reasons[i];
        }
        (*env)->SetLongArrayRegion(env, result, n, JH_WALKER_REASONS, reasons);
    }
    return result;
}

/* The name of the first code blob the stack walker did not know, or null. */
static jstring JNICALL nh_walkerUnknown0(JNIEnv *env, jclass cls) {
    (void) cls;
    const char *name = jh_vmwalk_first_unknown();
    return name == NULL ? NULL : (*env)->NewStringUTF(env, name);
}

/* The frames of an interned stack as (method id, bytecode index) pairs, or null. */
static jlongArray JNICALL nh_stackFrames0(JNIEnv *env, jclass cls, jint id) {
    (void) cls;
    jlong pairs[2 * JH_MAX_DEPTH];
    int n = jh_stacks_frames(id, pairs, JH_MAX_DEPTH);
    if (n < 0) {
        return NULL;
    }
    jlongArray result = (*env)->NewLongArray(env, 2 * n);
    if (result != NULL) {
        (*env)->SetLongArrayRegion(env, result, 0, 2 * n, pairs);
    }
    return result;
}

/* "fd\ttarget\0" entries for the descriptors in a /proc fd directory, as bytes, or null. */
static jbyteArray JNICALL nh_listFds0(JNIEnv *env, jclass cls, jstring dir) {
    (void) cls;
    const char *path = (*env)->GetStringUTFChars(env, dir, NULL);
    if (path == NULL) {
        return NULL;
    }
    size_t len = 0;
    char *listing = jh_fd_list(path, &len);
    (*env)->ReleaseStringUTFChars(env, dir, path);
    if (listing == NULL) {
        return NULL;
    }
    jbyteArray result = (*env)->NewByteArray(env, (jsize) len);
    if (result != NULL) {
        (*env)->SetByteArrayRegion(env, result, 0, (jsize) len, (const jbyte *) listing);
    }
    free(listing);
    return result;
}

/* strerror's texts of EMFILE and ENFILE in the locale the JVM set at start, as the JDK's messages have them. */
static jobjectArray JNICALL nh_descriptorErrorTexts0(JNIEnv *env, jclass cls) {
    (void) cls;
    int codes[] = {EMFILE, ENFILE};
    jclass bytes_class = (*env)->FindClass(env, "[B");
    jobjectArray result = bytes_class != NULL ? (*env)->NewObjectArray(env, 2, bytes_class, NULL) : NULL;
    for (int i = 0; result != NULL && i < 2; i++) {
        char buf[256];
        const char *text = strerror_r(codes[i], buf, sizeof(buf)); /* GNU form: may return a static string */
        jsize n = (jsize) strnlen(text, sizeof(buf));
        jbyteArray b = (*env)->NewByteArray(env, n);
        if (b == NULL) {
            return NULL;
        }
        (*env)->SetByteArrayRegion(env, b, 0, n, (const jbyte *) text);
        (*env)->SetObjectArrayElement(env, result, i, b);
        (*env)->DeleteLocalRef(env, b);
    }
    return result;
}

/* The JVM's live threads, for NativeDrain's names of native events' threads (JavaThreadNames). */
static jobjectArray JNICALL nh_threads0(JNIEnv *env, jclass cls) {
    (void) cls;
    return jh_java_threads(g_jvmti, env);
}

/* The JNIEnv address each thread's native events carry, or null when this VM does not let it be told. */
static jlongArray JNICALL nh_threadEnvs0(JNIEnv *env, jclass cls, jobjectArray threads) {
    (void) cls;
    return threads != NULL ? jh_thread_envs(g_jvmti, env, threads) : NULL;
}

static JNINativeMethod METHODS[] = {
    {"descriptorErrorTexts0", "()[[B", (void *) nh_descriptorErrorTexts0},
    {"threads0", "()[Ljava/lang/Thread;", (void *) nh_threads0},
    {"threadEnvs0", "([Ljava/lang/Thread;)[J", (void *) nh_threadEnvs0},
    {"listFds0", "(Ljava/lang/String;)[B", (void *) nh_listFds0},
    {"fastStacks0", "()Z", (void *) nh_fastStacks0},
    {"captureStack0", "(II)I", (void *) nh_captureStack0},
    {"walker0", "(I)I", (void *) nh_walker0},
    {"walkerLayout0", "()J", (void *) nh_walkerLayout0},
    {"walkerStats0", "()[J", (void *) nh_walkerStats0},
    {"walkerUnknown0", "()Ljava/lang/String;", (void *) nh_walkerUnknown0},
    {"stackFrames0", "(I)[J", (void *) nh_stackFrames0},
    {"contract0", "()Ljava/lang/String;", (void *) nh_contract0},
    {"start0", "(Ljava/lang/String;Ljava/nio/ByteBuffer;)I", (void *) nh_start0},
    {"setEnabled0", "(Z)V", (void *) nh_setEnabled0},
    {"dropped0", "()J", (void *) nh_dropped0},
    {"drain0", "(Ljava/nio/ByteBuffer;)I", (void *) nh_drain0},
    {"method0", "(J)[Ljava/lang/Object;", (void *) nh_method0},
    {"line0", "(JJ)I", (void *) nh_line0},
    {"symbol0", "(J)Ljava/lang/String;", (void *) nh_symbol0},
    {"hookName0", "(I)Ljava/lang/String;", (void *) nh_hookName0},
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass cls = (*env)->FindClass(env, "dev/jhtrace/agent/jni/NativeHooks");
    if (cls == NULL) {
        return JNI_ERR;
    }
    if ((*env)->RegisterNatives(env, cls, METHODS, sizeof(METHODS) / sizeof(METHODS[0])) != 0 || jh_control_register(env) != 0) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}
