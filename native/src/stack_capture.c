#define _GNU_SOURCE
#include "stack_capture.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_WALK (JH_MAX_SKIP + JH_MAX_DEPTH)
#define TABLE_SIZE (1u << 18)          /* distinct stacks */
#define ARENA_BYTES (64u << 20)        /* frames of all distinct stacks; reserved, touched as used */

typedef struct {
    jint bci; /* "lineno" in HotSpot's declaration: the bytecode index for Java frames */
    jmethodID method;
} asgct_frame;

typedef struct {
    JNIEnv *env;
    jint num_frames;
    asgct_frame *frames;
} asgct_trace;

typedef void (*asgct_fn)(asgct_trace *, jint, void *);

typedef struct {
    _Atomic uint64_t hash;  /* 0: free */
    _Atomic uint32_t ready; /* frames written */
    uint32_t count;
    uint64_t offset;        /* into the arena */
} slot;

static asgct_fn g_asgct;
static slot *g_table;
static asgct_frame *g_arena;
static _Atomic uint64_t g_arena_used; /* in frames */

static void make_method_ids(jvmtiEnv *jvmti, jclass cls) {
    jint count = 0;
    jmethodID *methods = NULL;
    /* asking for a class's methods creates their jmethodIDs, which AsyncGetCallTrace needs to name frames */
    if ((*jvmti)->GetClassMethods(jvmti, cls, &count, &methods) == JVMTI_ERROR_NONE) {
        (*jvmti)->Deallocate(jvmti, (unsigned char *) methods);
    }
}

static void JNICALL on_class_load(jvmtiEnv *jvmti, JNIEnv *env, jthread thread, jclass cls) {
    /* nothing: AsyncGetCallTrace refuses to walk unless ClassLoad events are enabled */
    (void) jvmti;
    (void) env;
    (void) thread;
    (void) cls;
}

static void JNICALL on_class_prepare(jvmtiEnv *jvmti, JNIEnv *env, jthread thread, jclass cls) {
    (void) env;
    (void) thread;
    make_method_ids(jvmti, cls);
}

int jh_stacks_init(jvmtiEnv *jvmti) {
    g_asgct = (asgct_fn) dlsym(RTLD_DEFAULT, "AsyncGetCallTrace");
    if (g_asgct == NULL) {
        return -1;
    }
    g_table = mmap(NULL, sizeof(slot) * TABLE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_arena = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (g_table == MAP_FAILED || g_arena == MAP_FAILED) {
        g_asgct = NULL;
        return -1;
    }
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    callbacks.ClassPrepare = on_class_prepare;
    callbacks.ClassLoad = on_class_load;
    (*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof(callbacks));
    (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_PREPARE, NULL);
    (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_LOAD, NULL);
    jint count = 0;
    jclass *classes = NULL;
    if ((*jvmti)->GetLoadedClasses(jvmti, &count, &classes) == JVMTI_ERROR_NONE) {
        for (jint i = 0; i < count; i++) {
            make_method_ids(jvmti, classes[i]);
        }
        (*jvmti)->Deallocate(jvmti, (unsigned char *) classes);
    }
    return 0;
}

static uint64_t hash_frames(const asgct_frame *f, int n) {
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a over (method, bci) */
    for (int i = 0; i < n; i++) {
        h ^= (uint64_t) (uintptr_t) f[i].method;
        h *= 0x100000001b3ULL;
        h ^= (uint64_t) (uint32_t) f[i].bci;
        h *= 0x100000001b3ULL;
    }
    return h == 0 ? 1 : h;
}

static int same(const asgct_frame *a, const asgct_frame *b, int n) {
    for (int i = 0; i < n; i++) {
        if (a[i].method != b[i].method || a[i].bci != b[i].bci) {
            return 0;
        }
    }
    return 1;
}

jint jh_stacks_capture(JNIEnv *env, int skip, int depth) {
    if (g_asgct == NULL) {
        return -1;
    }
    if (skip < 0 || skip > JH_MAX_SKIP || depth <= 0 || depth > JH_MAX_DEPTH) {
        return -2;
    }
    asgct_frame walked[MAX_WALK];
    asgct_trace trace = {env, 0, walked};
    g_asgct(&trace, skip + depth, NULL);
    int n = trace.num_frames - skip;
    if (trace.num_frames <= 0 || n <= 0) {
        return trace.num_frames - 100; /* AsyncGetCallTrace's reason, offset; the caller falls back to Java's own capture */
    }
    asgct_frame *frames = walked + skip;
    uint64_t h = hash_frames(frames, n);
    uint32_t index = (uint32_t) h & (TABLE_SIZE - 1);
    for (uint32_t probe = 0; probe < TABLE_SIZE / 4; probe++, index = (index + 1) & (TABLE_SIZE - 1)) {
        slot *s = &g_table[index];
        uint64_t cur = atomic_load_explicit(&s->hash, memory_order_acquire);
        if (cur == 0) {
            uint64_t expected = 0;
            if (atomic_compare_exchange_strong(&s->hash, &expected, h)) {
                uint64_t at = atomic_fetch_add(&g_arena_used, (uint64_t) n);
                if ((at + (uint64_t) n) * sizeof(asgct_frame) > ARENA_BYTES) {
                    s->count = 0; /* arena full: the slot stays a tombstone, callers fall back */
                    atomic_store_explicit(&s->ready, 2, memory_order_release);
                    return -3;
                }
                memcpy(&g_arena[at], frames, sizeof(asgct_frame) * (size_t) n);
                s->offset = at;
                s->count = (uint32_t) n;
                atomic_store_explicit(&s->ready, 1, memory_order_release);
                return (jint) index + 1;
            }
            cur = expected;
        }
        if (cur == h) {
            uint32_t ready;
            while ((ready = atomic_load_explicit(&s->ready, memory_order_acquire)) == 0) {
                /* another thread is writing this very stack: a few nanoseconds */
            }
            if (ready == 1 && s->count == (uint32_t) n && same(&g_arena[s->offset], frames, n)) {
                return (jint) index + 1;
            }
        }
    }
    return -4; /* table crowded */
}

int jh_stacks_frames(jint id, jlong *out, int max) {
    if (g_table == NULL || id <= 0 || (uint32_t) id > TABLE_SIZE) {
        return -1;
    }
    slot *s = &g_table[id - 1];
    if (atomic_load_explicit(&s->ready, memory_order_acquire) != 1) {
        return -1;
    }
    int n = (int) s->count < max ? (int) s->count : max;
    for (int i = 0; i < n; i++) {
        out[2 * i] = (jlong) (intptr_t) g_arena[s->offset + (uint64_t) i].method;
        out[2 * i + 1] = (jlong) g_arena[s->offset + (uint64_t) i].bci;
    }
    return n;
}
