#define _GNU_SOURCE
#include "native_start.h"

#include <dlfcn.h>
#include <jni.h>
#include <jvmti.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "class_hooks.h"

#define PATH_SIZE 4096
#define OPTIONS_SIZE 8192

static char g_library[PATH_SIZE];
static char g_jar[PATH_SIZE];
static char g_options[OPTIONS_SIZE];

int jh_split_start_options(const char *options, char *jar, size_t jar_size, char *rest, size_t rest_size) {
    jar[0] = '\0';
    rest[0] = '\0';
    size_t used = 0;
    const char *p = options != NULL ? options : "";
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t) (end - p) : strlen(p);
        if (len >= 4 && strncmp(p, "jar=", 4) == 0) {
            if (len - 4 >= jar_size) {
                return -1;
            }
            memcpy(jar, p + 4, len - 4);
            jar[len - 4] = '\0';
        } else if (len > 0) {
            size_t comma = used > 0 ? 1 : 0;
            if (used + comma + len >= rest_size) {
                return -1;
            }
            if (comma) {
                rest[used++] = ',';
            }
            memcpy(rest + used, p, len);
            used += len;
            rest[used] = '\0';
        }
        p = end != NULL ? end + 1 : p + len;
    }
    return 0;
}

int jh_jar_beside(const char *library_path, char *jar, size_t size) {
    const char *slash = strrchr(library_path, '/');
    size_t dir = slash != NULL ? (size_t) (slash - library_path) + 1 : 0;
    static const char NAME[] = "jhtrace.jar";
    if (dir + sizeof(NAME) > size) {
        return -1;
    }
    memcpy(jar, library_path, dir);
    memcpy(jar + dir, NAME, sizeof(NAME));
    return 0;
}

/* The code point of a UTF-8 sequence at p that the Java side's Escapes.printable escapes too (C1 controls, line and
 * paragraph separators, bidirectional overrides and isolates), with its length in *len; 0 for any other. */
static unsigned escaped_code_point(const unsigned char *p, size_t *len) {
    if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
        *len = 2;
        return p[1];
    }
    if (p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81) && p[2] >= 0x80 && p[2] <= 0xbf) {
        unsigned c = 0x2000u | ((unsigned) (p[1] & 0x3f) << 6) | (unsigned) (p[2] & 0x3f);
        if (c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
            *len = 3;
            return c;
        }
    }
    return 0;
}

const char *jh_printable(const char *text, char *buf, size_t size) {
    size_t used = 0;
    const unsigned char *p = (const unsigned char *) text;
    while (*p != '\0' && used + 7 < size) {
        size_t len = 1;
        unsigned c = escaped_code_point(p, &len);
        if (c >= 0x100) {
            used += (size_t) snprintf(buf + used, size - used, "\\u%04X", c);
        } else if (c != 0 || *p < 0x20 || *p == 0x7f || *p == '\\') {
            used += (size_t) snprintf(buf + used, size - used, "\\x%02X", c != 0 ? c : *p);
        } else {
            buf[used++] = (char) *p;
        }
        p += len;
    }
    buf[used] = '\0';
    return buf;
}

static void warn(const char *what, const char *detail) {
    /* stderr only, one line: the application's stdout is its own */
    char shown[4096];
    fprintf(stderr, "jhtrace: %s%s%s; tracing is off\n", what, detail != NULL ? ": " : "",
            detail != NULL ? jh_printable(detail, shown, sizeof(shown)) : "");
    fflush(stderr);
}

/* The pending exception's toString, into buf (then cleared). */
static const char *exception_text(JNIEnv *env, char *buf, size_t size) {
    jthrowable t = (*env)->ExceptionOccurred(env);
    (*env)->ExceptionClear(env);
    snprintf(buf, size, "%s", "an exception");
    if (t == NULL) {
        return buf;
    }
    jclass object = (*env)->FindClass(env, "java/lang/Object");
    jmethodID to_string = object != NULL ? (*env)->GetMethodID(env, object, "toString", "()Ljava/lang/String;") : NULL;
    jstring s = to_string != NULL ? (jstring) (*env)->CallObjectMethod(env, t, to_string) : NULL;
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return buf;
    }
    const char *utf = s != NULL ? (*env)->GetStringUTFChars(env, s, NULL) : NULL;
    (*env)->ExceptionClear(env); /* an out-of-memory here leaves "an exception" */
    if (utf != NULL) {
        snprintf(buf, size, "%s", utf);
        (*env)->ReleaseStringUTFChars(env, s, utf);
    }
    return buf;
}

/* Whether the last JNI call failed: a NULL result or an exception pending (no JNI call may follow one unchecked). */
static int failed(JNIEnv *env, const void *result) {
    return (*env)->ExceptionCheck(env) || result == NULL;
}

#define LOADER_CLASS "dev/jhtrace/agent/loader/JarClassLoader"

/* The rest of agent_loader, over the open ZipFile: NULL on failure, an exception pending (agent_loader closes the
 * ZipFile then). */
static jobject loader_from(JNIEnv *env, jobject zip, jstring path, jmethodID get_entry, jmethodID get_stream,
                           jmethodID read_all, jmethodID close, jmethodID platform, jclass loader_c) {
    jstring entry_name = (*env)->NewStringUTF(env, LOADER_CLASS ".class");
    if (failed(env, entry_name)) return NULL;
    jobject entry = (*env)->CallObjectMethod(env, zip, get_entry, entry_name);
    if ((*env)->ExceptionCheck(env)) return NULL;
    if (entry == NULL) {
        /* not this build's jar (jar= named another): said as the failure's detail */
        jclass error_c = (*env)->FindClass(env, "java/lang/NoClassDefFoundError");
        if (error_c != NULL) (*env)->ThrowNew(env, error_c, LOADER_CLASS " is not in the agent jar");
        return NULL;
    }
    jobject in = (*env)->CallObjectMethod(env, zip, get_stream, entry);
    if (failed(env, in)) return NULL;
    jbyteArray bytes = (jbyteArray) (*env)->CallObjectMethod(env, in, read_all);
    if (failed(env, bytes)) return NULL; /* the stream goes with the ZipFile, which closes its streams */
    (*env)->CallVoidMethod(env, in, close);
    if ((*env)->ExceptionCheck(env)) return NULL;
    jsize length = (*env)->GetArrayLength(env, bytes);
    jbyte *buf = (*env)->GetByteArrayElements(env, bytes, NULL);
    if (failed(env, buf)) return NULL;
    /* the boot loader: no class path of the application's is consulted to make the loader */
    jclass loader_class = (*env)->DefineClass(env, LOADER_CLASS, NULL, buf, length);
    (*env)->ReleaseByteArrayElements(env, bytes, buf, JNI_ABORT);
    if (failed(env, loader_class)) return NULL;
    jmethodID loader_new = (*env)->GetMethodID(env, loader_class, "<init>",
                                               "(Ljava/util/zip/ZipFile;Ljava/lang/String;Ljava/lang/ClassLoader;)V");
    if (failed(env, loader_new)) return NULL;
    jobject parent = (*env)->CallStaticObjectMethod(env, loader_c, platform);
    if (failed(env, parent)) return NULL;
    jobject loader = (*env)->NewObject(env, loader_class, loader_new, zip, path, parent);
    return failed(env, loader) ? NULL : loader;
}

/* The agent's class loader: dev.jhtrace.agent.loader.JarClassLoader (see its javadoc for why not a URLClassLoader),
 * defined in the boot loader from the jar's own bytes, over a ZipFile of the jar it keeps open:
 *   zip = new ZipFile(jar); bytes = zip.getInputStream(zip.getEntry(LOADER_CLASS + ".class")).readAllBytes();
 *   new JarClassLoader(zip, jar, ClassLoader.getPlatformClassLoader())
 * A jar it cannot use is closed again before the failure is told. */
static jobject agent_loader(JNIEnv *env, const char *jar) {
    jclass zip_c = (*env)->FindClass(env, "java/util/zip/ZipFile");
    if (failed(env, zip_c)) return NULL;
    jmethodID zip_new = (*env)->GetMethodID(env, zip_c, "<init>", "(Ljava/lang/String;)V");
    if (failed(env, zip_new)) return NULL;
    jmethodID get_entry = (*env)->GetMethodID(env, zip_c, "getEntry", "(Ljava/lang/String;)Ljava/util/zip/ZipEntry;");
    if (failed(env, get_entry)) return NULL;
    jmethodID get_stream = (*env)->GetMethodID(env, zip_c, "getInputStream", "(Ljava/util/zip/ZipEntry;)Ljava/io/InputStream;");
    if (failed(env, get_stream)) return NULL;
    jclass stream_c = (*env)->FindClass(env, "java/io/InputStream");
    if (failed(env, stream_c)) return NULL;
    jmethodID read_all = (*env)->GetMethodID(env, stream_c, "readAllBytes", "()[B");
    if (failed(env, read_all)) return NULL;
    jmethodID close = (*env)->GetMethodID(env, stream_c, "close", "()V");
    if (failed(env, close)) return NULL;
    jclass loader_c = (*env)->FindClass(env, "java/lang/ClassLoader");
    if (failed(env, loader_c)) return NULL;
    jmethodID platform = (*env)->GetStaticMethodID(env, loader_c, "getPlatformClassLoader", "()Ljava/lang/ClassLoader;");
    if (failed(env, platform)) return NULL;

    jmethodID zip_close = (*env)->GetMethodID(env, zip_c, "close", "()V");
    if (failed(env, zip_close)) return NULL;

    jstring path = (*env)->NewStringUTF(env, jar);
    if (failed(env, path)) return NULL;
    jobject zip = (*env)->NewObject(env, zip_c, zip_new, path);
    if (failed(env, zip)) return NULL;
    jobject loader = loader_from(env, zip, path, get_entry, get_stream, read_all, close, platform, loader_c);
    if (loader == NULL) {
        /* tracing is off: the jar's descriptor must not stay open in the program (the exception is the message) */
        jthrowable pending = (*env)->ExceptionOccurred(env);
        (*env)->ExceptionClear(env);
        (*env)->CallVoidMethod(env, zip, zip_close);
        (*env)->ExceptionClear(env);
        if (pending != NULL) (*env)->Throw(env, pending);
    }
    return loader;
}

static jclass load_class(JNIEnv *env, jobject loader, const char *name) {
    jclass loader_c = (*env)->FindClass(env, "java/lang/ClassLoader");
    if (failed(env, loader_c)) return NULL;
    jmethodID load = (*env)->GetMethodID(env, loader_c, "loadClass", "(Ljava/lang/String;)Ljava/lang/Class;");
    if (failed(env, load)) return NULL;
    jstring jname = (*env)->NewStringUTF(env, name);
    if (failed(env, jname)) return NULL;
    jclass loaded = (jclass) (*env)->CallObjectMethod(env, loader, load, jname);
    return failed(env, loaded) ? NULL : loaded;
}

/* Binds this library's JNI methods to the agent's class loader as System.load would (its JNI_OnLoad runs with that
 * loader's classes), by calling Runtime.load0(nativeHooks, library) directly: the Java side would call it through
 * reflection, whose first call spins method-handle classes on JDK 18 and later (several ms of every start on JDK 25).
 * 1 once bound; 0 when not (no exception left pending): the Java side then loads the library itself, and says why
 * if that fails too. */
static jboolean bind_library(JNIEnv *env, jobject loader) {
    jclass hooks = load_class(env, loader, "dev.jhtrace.agent.jni.NativeHooks");
    jclass runtime_c = hooks != NULL ? (*env)->FindClass(env, "java/lang/Runtime") : NULL;
    jmethodID get_runtime = !failed(env, runtime_c)
            ? (*env)->GetStaticMethodID(env, runtime_c, "getRuntime", "()Ljava/lang/Runtime;") : NULL;
    jmethodID load0 = !failed(env, get_runtime)
            ? (*env)->GetMethodID(env, runtime_c, "load0", "(Ljava/lang/Class;Ljava/lang/String;)V") : NULL;
    jobject runtime = !failed(env, load0) ? (*env)->CallStaticObjectMethod(env, runtime_c, get_runtime) : NULL;
    jstring library = !failed(env, runtime) ? (*env)->NewStringUTF(env, g_library) : NULL;
    if (failed(env, library)) {
        (*env)->ExceptionClear(env);
        return JNI_FALSE;
    }
    (*env)->CallVoidMethod(env, runtime, load0, hooks, library);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return JNI_FALSE;
    }
    return JNI_TRUE;
}

static void JNICALL on_vm_init(jvmtiEnv *jvmti, JNIEnv *env, jthread thread) {
    (void) thread;
    (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_DISABLE, JVMTI_EVENT_VM_INIT, NULL);
    char why[1024];
    if (access(g_jar, R_OK) != 0) {
        char shown[4 * PATH_SIZE + 1];
        fprintf(stderr, "jhtrace: the native start found no readable agent jar at %s (it looks beside libjhtrace.so; jar=PATH names another); tracing is off\n",
                jh_printable(g_jar, shown, sizeof(shown)));
        fflush(stderr);
        return;
    }
    if ((*env)->PushLocalFrame(env, 64) != 0) {
        warn("the native start could not begin", exception_text(env, why, sizeof(why)));
        return;
    }
    jobject loader = agent_loader(env, g_jar);
    jclass instrumentation = loader != NULL ? load_class(env, loader, "dev.jhtrace.agent.hook.JvmtiInstrumentation") : NULL;
    if (instrumentation == NULL || jh_class_hooks_register(env, instrumentation) != 0) {
        warn("the native start could not load the agent's classes", exception_text(env, why, sizeof(why)));
        (*env)->PopLocalFrame(env, NULL);
        return;
    }
    /* the loader stays reachable from its classes, which the JVM keeps while the class hook holds one */
    jclass agent = load_class(env, loader, "dev.jhtrace.agent.JhtraceAgent");
    jmethodID start = agent != NULL
            ? (*env)->GetStaticMethodID(env, agent, "nativeStart", "(Ljava/lang/String;Ljava/lang/String;Z)V")
            : NULL;
    jboolean bound = !failed(env, start) ? bind_library(env, loader) : JNI_FALSE;
    jstring options = !failed(env, start) ? (*env)->NewStringUTF(env, g_options) : NULL;
    jstring library = !failed(env, options) ? (*env)->NewStringUTF(env, g_library) : NULL;
    if (failed(env, library)) {
        warn("the native start could not load the agent's classes", exception_text(env, why, sizeof(why)));
    } else {
        (*env)->CallStaticVoidMethod(env, agent, start, options, library, bound);
        if ((*env)->ExceptionCheck(env)) {
            /* nativeStart catches everything; only an error thrown while it reports one gets here */
            warn("the native start failed", exception_text(env, why, sizeof(why)));
        }
    }
    (*env)->PopLocalFrame(env, NULL);
}

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved) {
    (void) reserved;
    /* every failure returns 0: a JVM whose agent fails to load does not start, and the application comes first */
    static atomic_int loaded;
    if (atomic_exchange(&loaded, 1) != 0) {
        /* -agentpath in JAVA_TOOL_OPTIONS and on the command line: a second start would replace the first one's
         * JVMTI environment and hooks under it */
        fprintf(stderr, "jhtrace: the native start is given twice (two -agentpath flags, or one in JAVA_TOOL_OPTIONS as well); the first one's options are used\n");
        fflush(stderr);
        return 0;
    }
    Dl_info self;
    if (dladdr((void *) Agent_OnLoad, &self) == 0 || self.dli_fname == NULL || realpath(self.dli_fname, g_library) == NULL) {
        warn("the native start cannot tell where libjhtrace.so is", NULL);
        return 0;
    }
    if (jh_split_start_options(options, g_jar, sizeof(g_jar), g_options, sizeof(g_options)) != 0) {
        warn("the -agentpath options are too long", NULL);
        return 0;
    }
    if (g_jar[0] == '\0' && jh_jar_beside(g_library, g_jar, sizeof(g_jar)) != 0) {
        warn("the path of libjhtrace.so is too long", NULL);
        return 0;
    }
    jvmtiEnv *jvmti;
    if ((*vm)->GetEnv(vm, (void **) &jvmti, JVMTI_VERSION_9) != JNI_OK) {
        warn("the native start needs JVMTI 9 or later", NULL);
        return 0;
    }
    jvmtiCapabilities caps;
    memset(&caps, 0, sizeof(caps));
    caps.can_retransform_classes = 1;
    if ((*jvmti)->AddCapabilities(jvmti, &caps) != JVMTI_ERROR_NONE) {
        /* the Java side says it: "this JVM cannot retransform classes" */
    }
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    callbacks.VMInit = on_vm_init;
    callbacks.ClassFileLoadHook = jh_class_file_load;
    jh_class_hooks_init(jvmti);
    if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof(callbacks)) != JVMTI_ERROR_NONE
            || (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_INIT, NULL) != JVMTI_ERROR_NONE) {
        warn("the native start could not ask for VMInit", NULL);
    }
    return 0;
}
