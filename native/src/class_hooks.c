#define _GNU_SOURCE
#include "class_hooks.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static jvmtiEnv *g_jvmti;
static jclass g_instrumentation; /* global ref: dev.jhtrace.agent.hook.JvmtiInstrumentation */
static jmethodID g_transform;

/* The internal names of the hooked classes, sorted; published once, before the hook is enabled. */
typedef struct {
    int count;
    char **names;
} watch_list;
static _Atomic(watch_list *) g_watched;

void jh_class_hooks_init(jvmtiEnv *jvmti) {
    g_jvmti = jvmti;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static int watched(const char *name) {
    watch_list *list = atomic_load_explicit(&g_watched, memory_order_acquire);
    return list != NULL && bsearch(&name, list->names, (size_t) list->count, sizeof(char *), by_name) != NULL;
}

void JNICALL jh_class_file_load(jvmtiEnv *jvmti, JNIEnv *env, jclass redefined, jobject loader, const char *name,
                                jobject domain, jint length, const unsigned char *data, jint *new_length,
                                unsigned char **new_data) {
    (void) domain;
    /* only the bootstrap loader's classes are hooked (HookTransformer says why): the rest cost one compare */
    if (loader != NULL || name == NULL || g_transform == NULL || !watched(name)) {
        return;
    }
    if ((*env)->PushLocalFrame(env, 4) != 0) {
        (*env)->ExceptionClear(env);
        return;
    }
    jstring jname = (*env)->NewStringUTF(env, name);
    jbyteArray in = jname != NULL ? (*env)->NewByteArray(env, length) : NULL;
    if (in != NULL) {
        (*env)->SetByteArrayRegion(env, in, 0, length, (const jbyte *) data);
        jbyteArray out = (jbyteArray) (*env)->CallStaticObjectMethod(env, g_instrumentation, g_transform, jname, redefined, in);
        if (!(*env)->ExceptionCheck(env) && out != NULL) {
            jint n = (*env)->GetArrayLength(env, out);
            unsigned char *copy;
            if (n > 0 && (*jvmti)->Allocate(jvmti, n, &copy) == JVMTI_ERROR_NONE) {
                (*env)->GetByteArrayRegion(env, out, 0, n, (jbyte *) copy);
                *new_length = n;
                *new_data = copy;
            }
        }
    }
    /* the transformer catches everything itself; an out-of-memory here leaves the class as it was */
    (*env)->ExceptionClear(env);
    (*env)->PopLocalFrame(env, NULL);
}

/* Installs the hooked classes' names and enables the hook. Returns a jvmtiError, or -1 on out of memory. */
static jint JNICALL ji_watch0(JNIEnv *env, jclass cls, jobjectArray names) {
    (void) cls;
    static atomic_int called;
    if (atomic_exchange(&called, 1) != 0) {
        return JVMTI_ERROR_NOT_AVAILABLE; /* once only: the list is read without a lock */
    }
    jsize count = (*env)->GetArrayLength(env, names);
    watch_list *list = calloc(1, sizeof(*list));
    char **copies = calloc((size_t) count + 1, sizeof(char *));
    if (list == NULL || copies == NULL) {
        free(list);
        free(copies);
        return -1;
    }
    for (jsize i = 0; i < count; i++) {
        jstring s = (jstring) (*env)->GetObjectArrayElement(env, names, i);
        const char *utf = s != NULL ? (*env)->GetStringUTFChars(env, s, NULL) : NULL;
        if (utf == NULL && (*env)->ExceptionCheck(env)) {
            /* out of memory, said to the caller by the exception: no hook rather than some of them */
            for (int k = 0; k < list->count; k++) {
                free(copies[k]);
            }
            free(copies);
            free(list);
            return -1;
        }
        if (utf != NULL) {
            copies[list->count] = strdup(utf);
            if (copies[list->count] != NULL) {
                list->count++;
            }
            (*env)->ReleaseStringUTFChars(env, s, utf);
        }
        (*env)->DeleteLocalRef(env, s);
    }
    qsort(copies, (size_t) list->count, sizeof(char *), by_name);
    list->names = copies; /* never freed: hooks may read it until the process ends */
    atomic_store_explicit(&g_watched, list, memory_order_release);
    return (*g_jvmti)->SetEventNotificationMode(g_jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_FILE_LOAD_HOOK, NULL);
}

static jboolean JNICALL ji_canRetransform0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    jvmtiCapabilities caps;
    memset(&caps, 0, sizeof(caps));
    return (*g_jvmti)->GetCapabilities(g_jvmti, &caps) == JVMTI_ERROR_NONE && caps.can_retransform_classes ? JNI_TRUE : JNI_FALSE;
}

static jint JNICALL ji_retransform0(JNIEnv *env, jclass cls, jobjectArray classes) {
    (void) cls;
    jsize count = (*env)->GetArrayLength(env, classes);
    if (count == 0) {
        return JVMTI_ERROR_NONE;
    }
    jclass *list = calloc((size_t) count, sizeof(jclass));
    if (list == NULL) {
        return JVMTI_ERROR_OUT_OF_MEMORY;
    }
    for (jsize i = 0; i < count; i++) {
        list[i] = (jclass) (*env)->GetObjectArrayElement(env, classes, i);
    }
    jvmtiError err = (*g_jvmti)->RetransformClasses(g_jvmti, count, list);
    for (jsize i = 0; i < count; i++) {
        (*env)->DeleteLocalRef(env, list[i]);
    }
    free(list);
    return (jint) err;
}

static jobjectArray JNICALL ji_loadedClasses0(JNIEnv *env, jclass cls) {
    (void) cls;
    /* GetLoadedClasses hands out a local reference per class, thousands of them: in a frame of their own, popped
     * at once, with the capacity declared (under -Xcheck:jni an undeclared one is a warning on the program's stdout) */
    if ((*env)->PushLocalFrame(env, 16) != 0) {
        return NULL;
    }
    jint count = 0;
    jclass *classes = NULL;
    if ((*g_jvmti)->GetLoadedClasses(g_jvmti, &count, &classes) != JVMTI_ERROR_NONE) {
        return (jobjectArray) (*env)->PopLocalFrame(env, NULL);
    }
    jobjectArray result = NULL;
    if ((*env)->EnsureLocalCapacity(env, count + 16) == 0) {
        jclass type = (*env)->FindClass(env, "java/lang/Class");
        result = type != NULL ? (*env)->NewObjectArray(env, count, type, NULL) : NULL;
        for (jint i = 0; result != NULL && i < count; i++) {
            (*env)->SetObjectArrayElement(env, result, i, classes[i]);
        }
    }
    (*g_jvmti)->Deallocate(g_jvmti, (unsigned char *) classes);
    /* with an exception pending (out of memory) the caller sees it; the frame goes either way */
    return (jobjectArray) (*env)->PopLocalFrame(env, result);
}

/* The VM's half of Module.addExports and addReads: java.lang.Module's private natives addExports0 and addReads0,
 * called through JNI (which checks no access). JVMTI's AddModuleExports and AddModuleReads go through
 * Module.implAddExportsOrOpens and implAddReads, whose reflective bookkeeping (a WeakPairMap) spins the JVM's first
 * lambda classes: 10-15 ms of a start. The agent needs the VM's half only: its calls into jdk.internal.misc and
 * java.base's calls into the bridge are linked against the VM's graph, and nothing asks Module.isExported or
 * canRead about them. 0 once done, -1 when the natives are not there (the caller uses JVMTI then). */
static int vm_module_edge(JNIEnv *env, const char *method, const char *signature, int args, jobject from, jobject a,
                          jobject b) {
    if (from == NULL || a == NULL || (args == 3 && b == NULL)) {
        return -1; /* JVMTI says what is wrong with a null module or package */
    }
    jclass module_c = (*env)->FindClass(env, "java/lang/Module");
    jmethodID m = module_c != NULL ? (*env)->GetStaticMethodID(env, module_c, method, signature) : NULL;
    if (m == NULL) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    if (args == 3) {
        (*env)->CallStaticVoidMethod(env, module_c, m, from, a, b);
    } else {
        (*env)->CallStaticVoidMethod(env, module_c, m, from, a);
    }
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    return 0;
}

static jint JNICALL ji_addExports0(JNIEnv *env, jclass cls, jobject module, jstring pkg, jobject to) {
    (void) cls;
    if (vm_module_edge(env, "addExports0", "(Ljava/lang/Module;Ljava/lang/String;Ljava/lang/Module;)V", 3, module, pkg, to) == 0) {
        return JVMTI_ERROR_NONE;
    }
    const char *name = (*env)->GetStringUTFChars(env, pkg, NULL);
    if (name == NULL) {
        return JVMTI_ERROR_OUT_OF_MEMORY;
    }
    jvmtiError err = (*g_jvmti)->AddModuleExports(g_jvmti, module, name, to);
    (*env)->ReleaseStringUTFChars(env, pkg, name);
    return (jint) err;
}

static jint JNICALL ji_addOpens0(JNIEnv *env, jclass cls, jobject module, jstring pkg, jobject to) {
    (void) cls;
    const char *name = (*env)->GetStringUTFChars(env, pkg, NULL);
    if (name == NULL) {
        return JVMTI_ERROR_OUT_OF_MEMORY;
    }
    jvmtiError err = (*g_jvmti)->AddModuleOpens(g_jvmti, module, name, to);
    (*env)->ReleaseStringUTFChars(env, pkg, name);
    return (jint) err;
}

static jint JNICALL ji_addReads0(JNIEnv *env, jclass cls, jobject module, jobject to) {
    (void) cls;
    if (vm_module_edge(env, "addReads0", "(Ljava/lang/Module;Ljava/lang/Module;)V", 2, module, to, NULL) == 0) {
        return JVMTI_ERROR_NONE;
    }
    return (jint) (*g_jvmti)->AddModuleReads(g_jvmti, module, to);
}

/* MethodHandles.Lookup.IMPL_LOOKUP, the JDK's trusted lookup, or NULL: with it the agent makes its VarHandles on JDK
 * fields without opening their packages (opening goes through the same reflective bookkeeping as above). */
static jobject JNICALL ji_trustedLookup0(JNIEnv *env, jclass cls) {
    (void) cls;
    const char *type = "Ljava/lang/invoke/MethodHandles$Lookup;";
    jclass lookup_c = (*env)->FindClass(env, "java/lang/invoke/MethodHandles$Lookup");
    jfieldID f = lookup_c != NULL ? (*env)->GetStaticFieldID(env, lookup_c, "IMPL_LOOKUP", type) : NULL;
    jobject lookup = f != NULL ? (*env)->GetStaticObjectField(env, lookup_c, f) : NULL;
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return NULL;
    }
    return lookup;
}

/* getenv(3) for the native start: the value's bytes, or NULL when it is not set (decoded in Java as the JDK decodes
 * the environment; NewStringUTF would need modified UTF-8, which an environment need not be). */
static jbyteArray JNICALL ji_getenv0(JNIEnv *env, jclass cls, jstring name) {
    (void) cls;
    const char *n = name != NULL ? (*env)->GetStringUTFChars(env, name, NULL) : NULL;
    if (n == NULL) {
        return NULL; /* an OutOfMemoryError is pending if it failed */
    }
    const char *value = getenv(n);
    (*env)->ReleaseStringUTFChars(env, name, n);
    if (value == NULL) {
        return NULL;
    }
    jsize length = (jsize) strlen(value);
    jbyteArray bytes = (*env)->NewByteArray(env, length);
    if (bytes != NULL) {
        (*env)->SetByteArrayRegion(env, bytes, 0, length, (const jbyte *) value);
    }
    return bytes;
}

static JNINativeMethod METHODS[] = {
    {"watch0", "([Ljava/lang/String;)I", (void *) ji_watch0},
    {"canRetransform0", "()Z", (void *) ji_canRetransform0},
    {"retransform0", "([Ljava/lang/Class;)I", (void *) ji_retransform0},
    {"loadedClasses0", "()[Ljava/lang/Class;", (void *) ji_loadedClasses0},
    {"addExports0", "(Ljava/lang/Module;Ljava/lang/String;Ljava/lang/Module;)I", (void *) ji_addExports0},
    {"addOpens0", "(Ljava/lang/Module;Ljava/lang/String;Ljava/lang/Module;)I", (void *) ji_addOpens0},
    {"addReads0", "(Ljava/lang/Module;Ljava/lang/Module;)I", (void *) ji_addReads0},
    {"trustedLookup0", "()Ljava/lang/invoke/MethodHandles$Lookup;", (void *) ji_trustedLookup0},
    {"getenv0", "(Ljava/lang/String;)[B", (void *) ji_getenv0},
};

int jh_class_hooks_register(JNIEnv *env, jclass cls) {
    if ((*env)->RegisterNatives(env, cls, METHODS, sizeof(METHODS) / sizeof(METHODS[0])) != 0) {
        return -1;
    }
    jmethodID transform = (*env)->GetStaticMethodID(env, cls, "transform", "(Ljava/lang/String;Ljava/lang/Class;[B)[B");
    g_instrumentation = transform != NULL ? (jclass) (*env)->NewGlobalRef(env, cls) : NULL;
    if (g_instrumentation == NULL) {
        return -1;
    }
    g_transform = transform; /* last: the hook tests it before it uses the class */
    return 0;
}
