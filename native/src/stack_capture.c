#define _GNU_SOURCE
#include "stack_capture.h"
#include "vm_walker.h"
#include "safe_read.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_WALK (JH_MAX_SKIP + JH_MAX_DEPTH)
#define TABLE_SIZE (1u << 18)          /* distinct stacks */
#define ARENA_BYTES (64u << 20)        /* frames of all distinct stacks; reserved, touched as used */

typedef jh_java_frame asgct_frame; /* the same layout: ASGCT_CallFrame */

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

/* Which walker takes stacks (JH_WALKER_*) and how many of its walks were checked: read by every capture, written
 * by the first thousand walks and on a disagreement, so on a cache line of their own. The counters below shared it
 * once: each capture's increment on one core made every capture on the other core miss it (two application threads
 * on two cores paid a cache miss and a contended add per stack). */
static struct {
    _Atomic int walker;
    _Atomic long checked;
} g_mode __attribute__((aligned(64))) = {JH_WALKER_ASGCT, 0};
static int g_walker_ready;
static _Atomic long g_asgct_short;
static _Atomic long g_fallbacks, g_unchecked, g_mismatches, g_repeats_checked, g_repeat_mismatches;

/* What every capture counts (a full walk by the VMStructs walker, a repeated walk named again), striped by thread:
 * each stripe is a cache line of its own, and a thread always adds to its own stripe (threads past COUNT_STRIPES
 * share one), so two threads capturing at once never write a line the other writes or reads. Summed when read. */
enum { COUNT_VM_WALKS, COUNT_REPEATS, COUNT_KINDS };
#define COUNT_STRIPES 16
typedef struct {
    _Atomic long n[COUNT_KINDS];
} __attribute__((aligned(64))) count_stripe;
static count_stripe g_counts[COUNT_STRIPES];
static _Atomic unsigned g_stripes_given;
static __thread int t_stripe __attribute__((tls_model("initial-exec"))) = -1;

static void count(int kind) {
    int s = t_stripe;
    if (s < 0) {
        s = (int) (atomic_fetch_add_explicit(&g_stripes_given, 1, memory_order_relaxed) % COUNT_STRIPES);
        t_stripe = s;
    }
    atomic_fetch_add_explicit(&g_counts[s].n[kind], 1, memory_order_relaxed);
}

static long counted(int kind) {
    long total = 0;
    for (int s = 0; s < COUNT_STRIPES; s++) {
        total += atomic_load_explicit(&g_counts[s].n[kind], memory_order_relaxed);
    }
    return total;
}
static _Atomic long g_fallback_reasons[JH_WALKER_REASONS]; /* by the VMStructs walker's (negative) result */
static _Atomic int g_mismatch_seen;
static jh_walker_mismatch g_first_mismatch;

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

int jh_stacks_init(jvmtiEnv *jvmti, JNIEnv *env) {
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
    /* the loaded classes come as local references, thousands of them: in a frame with room for them (else
     * -Xcheck:jni prints on stdout that the caller's frame exceeds its capacity), the most HotSpot allows */
    int framed = (*env)->PushLocalFrame(env, 65536) == 0;
    if (!framed) {
        (*env)->ExceptionClear(env);
    }
    jint count = 0;
    jclass *classes = NULL;
    if ((*jvmti)->GetLoadedClasses(jvmti, &count, &classes) == JVMTI_ERROR_NONE) {
        for (jint i = 0; i < count; i++) {
            make_method_ids(jvmti, classes[i]);
            if (!framed) {
                (*env)->DeleteLocalRef(env, classes[i]);
            }
        }
        (*jvmti)->Deallocate(jvmti, (unsigned char *) classes);
    }
    if (framed) {
        (*env)->PopLocalFrame(env, NULL);
    }
    return 0;
}

static uint64_t mix(uint64_t h, const asgct_frame *f) {
    uint64_t word = (uint64_t) (uintptr_t) f->method ^ ((uint64_t) (uint32_t) f->bci << 40);
    return (h ^ word) * 0x9E3779B97F4A7C15ULL;
}

/* A hash of (method, bci) over the frames. Four independent lanes: one multiply chain over 64 frames was a
 * third of a capture's own time, each frame waiting for the previous one's multiply. */
static uint64_t hash_frames(const asgct_frame *f, int n) {
    uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL, c = (uint64_t) n, d = 0x100000001b3ULL;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        a = mix(a, &f[i]);
        b = mix(b, &f[i + 1]);
        c = mix(c, &f[i + 2]);
        d = mix(d, &f[i + 3]);
    }
    for (; i < n; i++) {
        a = mix(a, &f[i]);
    }
    uint64_t h = a ^ (b >> 7 | b << 57) ^ (c >> 19 | c << 45) ^ (d >> 31 | d << 33);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
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

static jint intern(const asgct_frame *frames, int n);

static int asgct_walk(JNIEnv *env, asgct_frame *out, int max) {
    asgct_trace trace = {env, 0, out};
    g_asgct(&trace, max, NULL);
    return trace.num_frames;
}

static int same_walk(const asgct_frame *a, int na, const asgct_frame *b, int nb, int *at) {
    int n = na < nb ? na : nb;
    for (*at = 0; *at < n; (*at)++) {
        if (a[*at].method != b[*at].method || a[*at].bci != b[*at].bci) {
            return 0;
        }
    }
    return na == nb;
}

/* Counts a disagreement (keeping the first for jh_stacks_walker_stats), switches the VMStructs walker off in VM
 * mode, and gives AsyncGetCallTrace's stack in out: returns its frame count. */
static int disagreed(int mode, asgct_frame *out, int n, const asgct_frame *expected, int m, int at, int *by_vm) {
    atomic_fetch_add_explicit(&g_mismatches, 1, memory_order_relaxed);
    int first = 0;
    if (atomic_compare_exchange_strong(&g_mismatch_seen, &first, 1)) {
        g_first_mismatch.index = at;
        g_first_mismatch.vm_count = n;
        g_first_mismatch.asgct_count = m;
        g_first_mismatch.vm_method = at < n ? out[at].method : NULL;
        g_first_mismatch.vm_bci = at < n ? out[at].bci : 0;
        g_first_mismatch.asgct_method = at < m ? expected[at].method : NULL;
        g_first_mismatch.asgct_bci = at < m ? expected[at].bci : 0;
    }
    if (mode == JH_WALKER_VM) {
        atomic_store(&g_mode.walker, JH_WALKER_ASGCT);
    }
    memcpy(out, expected, sizeof(asgct_frame) * (size_t) m);
    *by_vm = 0;
    return m;
}

/* Walks with the VMStructs walker where it is on, else (and for any frame it does not understand) with
 * AsyncGetCallTrace. While checking, both walk and must agree: the first disagreement switches the VMStructs
 * walker off for good (in JH_WALKER_VM mode) and is kept for jh_stacks_walker. */
static int walk(JNIEnv *env, asgct_frame *out, int max, int *by_vm) {
    *by_vm = 0;
    int mode = atomic_load_explicit(&g_mode.walker, memory_order_relaxed);
    if (mode == JH_WALKER_ASGCT) {
        return asgct_walk(env, out, max);
    }
    int n = jh_vmwalk(env, out, max);
    if (n < 0) {
        atomic_fetch_add_explicit(&g_fallbacks, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&g_fallback_reasons[-n < JH_WALKER_REASONS ? -n : 0], 1, memory_order_relaxed);
        return asgct_walk(env, out, max);
    }
    *by_vm = 1;
    count(COUNT_VM_WALKS);
    if (mode == JH_WALKER_CHECK || atomic_load_explicit(&g_mode.checked, memory_order_relaxed) < JH_WALKER_CHECKED) {
        atomic_fetch_add_explicit(&g_mode.checked, 1, memory_order_relaxed);
        asgct_frame expected[max];
        int m = asgct_walk(env, expected, max);
        int at;
        if (m <= 0) {
            /* AsyncGetCallTrace could not walk (it refuses while a GC runs): nothing to compare */
            atomic_fetch_add_explicit(&g_mode.checked, -1, memory_order_relaxed);
            atomic_fetch_add_explicit(&g_unchecked, 1, memory_order_relaxed);
        } else if (!same_walk(out, n, expected, m, &at) && at == m && m < n) {
            /* AsyncGetCallTrace ended early, every frame it gave the same as the walker's: it does that, without an
             * error, when it cannot vouch for a frame's sender, as with the frames of methods deoptimized because a
             * class they inlined was retransformed (a dynamic attach does that to running threads). Its stack is the
             * cut-short one, not a disagreement: seen after attach on JDK 17 with the walker's longer stacks matching
             * the program's real call depth. Counted, and the walker stays on. */
            /* Not a checked walk (the walker's frames past AsyncGetCallTrace's end were not compared): the 1,000
             * checks still need 1,000 walks compared whole. And only a few: past JH_WALKER_SHORT_MAX in the checked
             * walks of VM mode, a walker that keeps going further than AsyncGetCallTrace is not trusted. */
            atomic_fetch_add_explicit(&g_mode.checked, -1, memory_order_relaxed);
            long shorts = atomic_fetch_add_explicit(&g_asgct_short, 1, memory_order_relaxed) + 1;
            if (mode == JH_WALKER_VM && shorts > JH_WALKER_SHORT_MAX) {
                return disagreed(mode, out, n, expected, m, at, by_vm);
            }
        } else if (!same_walk(out, n, expected, m, &at)) {
            return disagreed(mode, out, n, expected, m, at, by_vm);
        }
    }
    return n;
}

int jh_stacks_walker(JNIEnv *env, int mode) {
    if (!g_walker_ready && mode != JH_WALKER_ASGCT) {
        int r = jh_vmwalk_init(env);
        if (r != 0) {
            return r;
        }
        g_walker_ready = 1;
    }
    if (mode < 0) {
        return 0; /* initialised only: the caller compares the layout before any capture uses the walker */
    }
    if (mode != JH_WALKER_ASGCT) {
        /* the walker reads VM memory with guarded loads only: their fault handler must be in place first */
        int r = jh_safe_read_init();
        if (r != 0) {
            return JH_INIT_FAULT_HANDLER;
        }
    }
    atomic_store(&g_mode.walker, mode);
    return 0;
}

void jh_stacks_walker_stats(jh_walker_stats *stats) {
    stats->mode = atomic_load(&g_mode.walker);
    stats->vm_walks = counted(COUNT_VM_WALKS);
    stats->fallbacks = atomic_load(&g_fallbacks);
    stats->checked = atomic_load(&g_mode.checked);
    stats->unchecked = atomic_load(&g_unchecked);
    stats->repeats = counted(COUNT_REPEATS);
    stats->repeats_checked = atomic_load(&g_repeats_checked);
    stats->repeat_mismatches = atomic_load(&g_repeat_mismatches);
    stats->mismatches = atomic_load(&g_mismatches);
    stats->asgct_short = atomic_load(&g_asgct_short);
    stats->first_mismatch = g_first_mismatch;
    for (int i = 0; i < JH_WALKER_REASONS; i++) {
        stats->fallback_reasons[i] = atomic_load(&g_fallback_reasons[i]);
    }
}

jint jh_stacks_capture(JNIEnv *env, int skip, int depth) {
    if (g_asgct == NULL) {
        return -1;
    }
    if (skip < 0 || skip > JH_MAX_SKIP || depth <= 0 || depth > JH_MAX_DEPTH) {
        return -2;
    }
    /* a walk the thread made before, from the same anchor over the same stack words, has the same frames */
    int key = skip << 16 | depth;
    int mode = atomic_load_explicit(&g_mode.walker, memory_order_relaxed);
    int trusted = mode == JH_WALKER_VM && atomic_load_explicit(&g_mode.checked, memory_order_relaxed) >= JH_WALKER_CHECKED;
    jint again = mode == JH_WALKER_ASGCT ? 0 : jh_vmwalk_again(env, key);
    if (again > 0 && trusted) {
        count(COUNT_REPEATS);
        return again;
    }
    asgct_frame walked[MAX_WALK];
    int by_vm;
    int total = walk(env, walked, skip + depth, &by_vm);
    int n = total - skip;
    if (total <= 0 || n <= 0) {
        return total - 100; /* AsyncGetCallTrace's reason, offset; the caller falls back to Java's own capture */
    }
    jint id = intern(walked + skip, n);
    if (again > 0 && again != id) {
        /* while checking: a repeated walk must name the same stack as a full one */
        atomic_fetch_add_explicit(&g_mismatches, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&g_repeat_mismatches, 1, memory_order_relaxed);
        if (mode == JH_WALKER_VM) {
            atomic_store(&g_mode.walker, JH_WALKER_ASGCT);
        }
    } else if (again > 0) {
        atomic_fetch_add_explicit(&g_repeats_checked, 1, memory_order_relaxed);
    }
    if (by_vm && id > 0) {
        jh_vmwalk_remember(key, id);
    }
    return id;
}

/* How long a hook waits for another thread to finish writing the stack it is about to share: ~50 us of pauses. */
#define STACK_WAIT_SPINS 1024u
#if defined(__x86_64__) || defined(__i386__)
#define CPU_PAUSE() __builtin_ia32_pause()
#else
#define CPU_PAUSE() ((void) 0)
#endif

static jint intern(const asgct_frame *frames, int n) {
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
            uint32_t spins = 0;
            while ((ready = atomic_load_explicit(&s->ready, memory_order_acquire)) == 0) {
                /* another thread is writing this very stack: a few nanoseconds, unless it was descheduled (or stopped)
                 * right there; a hook never waits on another thread without bound: the caller falls back */
                if (++spins > STACK_WAIT_SPINS) {
                    return -5;
                }
                CPU_PAUSE();
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
