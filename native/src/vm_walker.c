#define _GNU_SOURCE
#include "vm_walker.h"
#include "jh_contract.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)

#include "safe_read.h"

typedef unsigned char u1;

/* What a walk reads of the VM's memory it reads with guarded loads (safe_read.h): a read that faults gives 0 and
 * counts a fault for the thread, which fails the walk (WALK_FAULTED) before anything it read is used or cached.
 * Loops over what was read are bounded, so zeros read after a fault end them. (The VMStructs tables read at
 * initialisation are libjvm's own constant data, exported for the serviceability agent: read directly.) */
static inline const char *rd_ptr(const void *at) {
    return (const char *) (uintptr_t) jh_read_u64(at);
}

static inline uintptr_t rd_word(const void *at) {
    return (uintptr_t) jh_read_u64(at);
}

static inline int rd_int(const void *at) {
    return (int) jh_read_u32(at);
}

static inline uint32_t rd_u32(const void *at) {
    return jh_read_u32(at);
}

static inline uint32_t rd_u16(const void *at) {
    return jh_read_u16(at);
}

static inline uint32_t rd_u8(const void *at) {
    return jh_read_u8(at);
}

#define WALK_FAULTED JH_WALK_FAULTED

/* Slots of an x86_64 interpreter frame, in words from its frame pointer (frame_x86.hpp, unchanged from JDK 17
 * to 25; VMStructs exports only the first). */
enum { INTERP_SENDER_SP = -1, INTERP_METHOD = -3, INTERP_BCP = -8, FRAME_LINK = 0, FRAME_RETURN_PC = 1 };

#define ACC_NATIVE 0x0100
#define FREE_SEGMENT 0xFF          /* CodeHeap's segment map: an unused segment */
#define MAX_FRAME_WORDS (1 << 16)  /* larger frame sizes are not believed */
#define MAX_INLINING 256           /* deeper scope chains are not believed */
#define MAX_STEPS 8192             /* physical frames, entry frames included */

/* Field offsets and addresses from gHotSpotVMStructs; -1 (or NULL) where this JVM has no such field. */
static struct {
    int thread_anchor, anchor_sp, anchor_pc, anchor_fp, stack_base, stack_size;
    int heap_memory, heap_segmap, heap_log2_segment, vs_low, vs_high, block_used, block_size, array_len, array_data;
    int blob_name, blob_kind, blob_frame_size, blob_code_begin, blob_code_offset, blob_mutable_data, blob_relocation_size,
        blob_mutable_data_size;
    int nm_method, nm_compile_id, nm_orig_pc, nm_deopt_begin, nm_deopt_mh_begin, nm_deopt_offset, nm_deopt_mh_offset;
    int nm_pcs_offset, nm_dependencies_offset, nm_scopes_data_begin, nm_metadata_offset, nm_immutable_data,
        nm_scopes_data_offset, nm_immutable_data_size;
    int pc_offset, pc_scope, pc_size;
    int method_const, method_flags, const_constants, const_idnum, const_code_size, const_size;
    int pool_holder, klass_method_ids, wrapper_anchor, entry_wrapper_slot;
    void **code_heaps;
    uintptr_t *call_stub_return;
} L;

static int g_ready;
static uint64_t g_layout;
static pthread_key_t g_walks_key; /* frees a thread's remembered walks when it ends */
static int g_walks_key_made;
static intptr_t g_env_offset;     /* JNIEnv* minus HotSpot's JavaThread* */
static uint32_t g_excluded_byte;  /* debug info's compressed ints: 1 from JDK 21 (UNSIGNED5), 0 before */
static int g_nmethod_kind = -1;
static const char *_Atomic g_first_unknown; /* the name of the first code blob the walk did not know */   /* CodeBlobKind::Nmethod where blobs have a kind (JDK 23+) */

/* --- reading the VMStructs tables -------------------------------------------------------------------- */

static long exported_long(const char *symbol, int *ok) {
    const long *p = (const long *) dlsym(RTLD_DEFAULT, symbol);
    if (p == NULL) {
        *ok = 0;
        return 0;
    }
    return *p;
}

static struct {
    const char *entries, *types, *ints;
    long stride, type_name, field_name, is_static, offset, address;
    long type_stride, type_type_name, type_size;
    long int_stride, int_name, int_value;
} T;

static int tables_init(void) {
    int ok = 1;
    T.entries = (const char *) exported_long("gHotSpotVMStructs", &ok);
    T.stride = exported_long("gHotSpotVMStructEntryArrayStride", &ok);
    T.type_name = exported_long("gHotSpotVMStructEntryTypeNameOffset", &ok);
    T.field_name = exported_long("gHotSpotVMStructEntryFieldNameOffset", &ok);
    T.is_static = exported_long("gHotSpotVMStructEntryIsStaticOffset", &ok);
    T.offset = exported_long("gHotSpotVMStructEntryOffsetOffset", &ok);
    T.address = exported_long("gHotSpotVMStructEntryAddressOffset", &ok);
    T.types = (const char *) exported_long("gHotSpotVMTypes", &ok);
    T.type_stride = exported_long("gHotSpotVMTypeEntryArrayStride", &ok);
    T.type_type_name = exported_long("gHotSpotVMTypeEntryTypeNameOffset", &ok);
    T.type_size = exported_long("gHotSpotVMTypeEntrySizeOffset", &ok);
    T.ints = (const char *) exported_long("gHotSpotVMIntConstants", &ok);
    T.int_stride = exported_long("gHotSpotVMIntConstantEntryArrayStride", &ok);
    T.int_name = exported_long("gHotSpotVMIntConstantEntryNameOffset", &ok);
    T.int_value = exported_long("gHotSpotVMIntConstantEntryValueOffset", &ok);
    return ok && T.entries != NULL && T.types != NULL && T.ints != NULL && T.stride > 0 && T.type_stride > 0
            && T.int_stride > 0 ? 0 : JH_INIT_NO_TABLES;
}

/* The entry for type::field, or NULL. */
static const char *entry(const char *type, const char *field) {
    for (const char *e = T.entries;; e += T.stride) {
        const char *t = *(const char * const *) (e + T.type_name);
        if (t == NULL) {
            return NULL;
        }
        const char *f = *(const char * const *) (e + T.field_name);
        if (f != NULL && strcmp(t, type) == 0 && strcmp(f, field) == 0) {
            return e;
        }
    }
}

static int field(const char *type, const char *name) {
    const char *e = entry(type, name);
    return e == NULL || *(const int32_t *) (e + T.is_static) ? -1 : (int) *(const long *) (e + T.offset);
}

static void *static_field(const char *type, const char *name) {
    const char *e = entry(type, name);
    return e == NULL || !*(const int32_t *) (e + T.is_static) ? NULL : *(void * const *) (e + T.address);
}

static int type_size(const char *type) {
    for (const char *e = T.types;; e += T.type_stride) {
        const char *t = *(const char * const *) (e + T.type_type_name);
        if (t == NULL) {
            return -1;
        }
        if (strcmp(t, type) == 0) {
            return (int) *(const long *) (e + T.type_size);
        }
    }
}

static int int_constant(const char *name, int missing) {
    for (const char *e = T.ints;; e += T.int_stride) {
        const char *n = *(const char * const *) (e + T.int_name);
        if (n == NULL) {
            return missing;
        }
        if (strcmp(n, name) == 0) {
            return *(const int32_t *) (e + T.int_value);
        }
    }
}

static int either(int a, int b) {
    return a >= 0 ? a : b;
}

static int layout_init(void) {
    L.thread_anchor = field("JavaThread", "_anchor");
    L.anchor_sp = field("JavaFrameAnchor", "_last_Java_sp");
    L.anchor_pc = field("JavaFrameAnchor", "_last_Java_pc");
    L.anchor_fp = field("JavaFrameAnchor", "_last_Java_fp");
    L.stack_base = field("JavaThread", "_stack_base");
    L.stack_size = field("JavaThread", "_stack_size");
    L.code_heaps = static_field("CodeCache", "_heaps");
    L.heap_memory = field("CodeHeap", "_memory");
    L.heap_segmap = field("CodeHeap", "_segmap");
    L.heap_log2_segment = field("CodeHeap", "_log2_segment_size");
    L.vs_low = field("VirtualSpace", "_low");
    L.vs_high = field("VirtualSpace", "_high");
    L.block_used = field("HeapBlock::Header", "_used");
    L.block_size = type_size("HeapBlock");
    L.array_len = field("GrowableArrayBase", "_len");
    L.array_data = field("GrowableArray<int>", "_data");
    L.blob_name = field("CodeBlob", "_name");
    L.blob_kind = field("CodeBlob", "_kind");
    L.blob_frame_size = field("CodeBlob", "_frame_size");
    L.blob_code_begin = field("CodeBlob", "_code_begin");      /* up to JDK 22: a pointer */
    L.blob_code_offset = field("CodeBlob", "_code_offset");    /* from JDK 23: an offset from the blob */
    L.blob_mutable_data = field("CodeBlob", "_mutable_data");
    L.blob_relocation_size = field("CodeBlob", "_relocation_size");
    L.blob_mutable_data_size = field("CodeBlob", "_mutable_data_size");
    L.nm_method = either(field("nmethod", "_method"), field("CompiledMethod", "_method"));
    L.nm_compile_id = field("nmethod", "_compile_id");
    L.nm_orig_pc = field("nmethod", "_orig_pc_offset");
    L.nm_deopt_begin = field("CompiledMethod", "_deopt_handler_begin");
    L.nm_deopt_mh_begin = field("CompiledMethod", "_deopt_mh_handler_begin");
    L.nm_deopt_offset = field("nmethod", "_deopt_handler_offset");
    L.nm_deopt_mh_offset = field("nmethod", "_deopt_mh_handler_offset");
    L.nm_pcs_offset = field("nmethod", "_scopes_pcs_offset");
    L.nm_dependencies_offset = field("nmethod", "_dependencies_offset");
    L.nm_scopes_data_begin = field("CompiledMethod", "_scopes_data_begin");
    L.nm_metadata_offset = field("nmethod", "_metadata_offset");
    L.nm_immutable_data = field("nmethod", "_immutable_data");
    L.nm_scopes_data_offset = field("nmethod", "_scopes_data_offset");
    L.nm_immutable_data_size = field("nmethod", "_immutable_data_size");
    L.pc_offset = field("PcDesc", "_pc_offset");
    L.pc_scope = field("PcDesc", "_scope_decode_offset");
    L.pc_size = type_size("PcDesc");
    L.method_const = field("Method", "_constMethod");
    L.method_flags = field("Method", "_access_flags");
    L.const_constants = field("ConstMethod", "_constants");
    L.const_idnum = field("ConstMethod", "_method_idnum");
    L.const_code_size = field("ConstMethod", "_code_size");
    L.const_size = type_size("ConstMethod");
    L.pool_holder = field("ConstantPool", "_pool_holder");
    L.klass_method_ids = field("InstanceKlass", "_methods_jmethod_ids");
    L.wrapper_anchor = field("JavaCallWrapper", "_anchor");
    L.call_stub_return = static_field("StubRoutines", "_call_stub_return_address");
    L.entry_wrapper_slot = int_constant("frame::entry_frame_call_wrapper_offset", 0);
    if (int_constant("frame::interpreter_frame_sender_sp_offset", 0) != INTERP_SENDER_SP || L.entry_wrapper_slot >= 0) {
        return JH_INIT_FRAME_LAYOUT;
    }
    if (L.blob_kind >= 0) {
        g_nmethod_kind = int_constant("CodeBlobKind::Nmethod", -1);
    }
    int common[] = {L.thread_anchor, L.anchor_sp, L.anchor_pc, L.anchor_fp, L.stack_base, L.stack_size,
                    L.heap_memory, L.heap_segmap, L.heap_log2_segment, L.vs_low, L.vs_high, L.block_used,
                    L.block_size, L.array_len, L.array_data, L.blob_name, L.blob_frame_size, L.nm_method, L.nm_compile_id,
                    L.nm_orig_pc, L.nm_pcs_offset, L.pc_offset, L.pc_scope, L.pc_size, L.method_const,
                    L.method_flags, L.const_constants, L.const_idnum, L.const_code_size, L.const_size,
                    L.pool_holder, L.klass_method_ids, L.wrapper_anchor};
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
        if (common[i] < 0) {
            return JH_INIT_MISSING_FIELD;
        }
    }
    if (L.code_heaps == NULL || L.call_stub_return == NULL || L.pc_size < 8) {
        return JH_INIT_MISSING_FIELD;
    }
    int old_layout = L.blob_code_begin >= 0 && L.nm_deopt_begin >= 0 && L.nm_deopt_mh_begin >= 0
            && L.nm_dependencies_offset >= 0 && L.nm_scopes_data_begin >= 0 && L.nm_metadata_offset >= 0;
    int new_layout = L.blob_code_offset >= 0 && L.nm_deopt_offset >= 0 && L.nm_deopt_mh_offset >= 0
            && L.nm_immutable_data >= 0 && L.nm_scopes_data_offset >= 0 && L.blob_mutable_data >= 0
            && L.blob_relocation_size >= 0 && L.blob_mutable_data_size >= 0 && L.nm_immutable_data_size >= 0
            && g_nmethod_kind >= 0;
    return old_layout || new_layout ? 0 : JH_INIT_NMETHOD_LAYOUT;
}

/* The value of HotSpot's boolean flag name (-XX:..., or set by an option such as -Xcheck:jni), or -1 when the flags'
 * table does not have it. */
static int bool_flag(const char *name) {
    void *const *flags = static_field("JVMFlag", "flags");
    const size_t *count = static_field("JVMFlag", "numFlags");
    int name_at = field("JVMFlag", "_name"), addr_at = field("JVMFlag", "_addr"), stride = type_size("JVMFlag");
    if (flags == NULL || count == NULL || name_at < 0 || addr_at < 0 || stride <= 0) {
        return -1;
    }
    const char *flag = *flags;
    for (size_t i = 0; flag != NULL && i < *count; i++, flag += stride) {
        const char *n = *(const char * const *) (flag + name_at);
        if (n != NULL && strcmp(n, name) == 0) {
            const unsigned char *value = *(const unsigned char * const *) (flag + addr_at);
            return value == NULL ? -1 : *value != 0;
        }
    }
    return -1;
}

static int env_offset_init(JNIEnv *env) {
    /* java.lang.Thread.eetop holds the JavaThread*: the JNIEnv is a field of it */
    jclass thread_class = (*env)->FindClass(env, "java/lang/Thread");
    jmethodID current = thread_class == NULL ? NULL
            : (*env)->GetStaticMethodID(env, thread_class, "currentThread", "()Ljava/lang/Thread;");
    jfieldID eetop = thread_class == NULL ? NULL : (*env)->GetFieldID(env, thread_class, "eetop", "J");
    jobject thread = current == NULL || eetop == NULL ? NULL : (*env)->CallStaticObjectMethod(env, thread_class, current);
    if ((*env)->ExceptionCheck(env) || thread == NULL) {
        (*env)->ExceptionClear(env);
        return JH_INIT_ENV_OFFSET;
    }
    jlong vm_thread = (*env)->GetLongField(env, thread, eetop);
    g_env_offset = (intptr_t) env - (intptr_t) vm_thread;
    return vm_thread != 0 && g_env_offset > 0 && g_env_offset < 8192 ? 0 : JH_INIT_ENV_OFFSET;
}

int jh_vmwalk_init(JNIEnv *env) {
    int r = tables_init();
    if (r == 0) {
        r = layout_init();
    }
    if (r == 0) {
        r = env_offset_init(env);
    }
    if (r == 0 && bool_flag("CheckJNICalls") != 0) {
        /* -Xcheck:jni makes HotSpot check its signal handlers and print to stdout when one was replaced, as the
         * guarded reads' fault handler (installed when the walker is switched on) would be; unknown: not risked */
        r = JH_INIT_CHECK_JNI;
    }
    if (r == 0 && !g_walks_key_made) {
        g_walks_key_made = pthread_key_create(&g_walks_key, free) == 0;
    }
    if (r == 0) {
        /* JNI_VERSION_21 came with the UNSIGNED5 coding of debug information (JDK 21) */
        g_excluded_byte = (*env)->GetVersion(env) >= 0x00150000 ? 1 : 0;
        /* FNV-1a over the offsets and sizes (L up to its first address), the JNIEnv offset and the coding */
        uint64_t h = 1469598103934665603ULL;
        const unsigned char *b = (const unsigned char *) &L;
        size_t n = (size_t) ((const char *) &L.code_heaps - (const char *) &L);
        for (size_t i = 0; i < n; i++) {
            h = (h ^ b[i]) * 1099511628211ULL;
        }
        uint64_t extra[2] = {(uint64_t) g_env_offset, g_excluded_byte};
        b = (const unsigned char *) extra;
        for (size_t i = 0; i < sizeof(extra); i++) {
            h = (h ^ b[i]) * 1099511628211ULL;
        }
        g_layout = h;
        g_ready = 1;
    }
    return r;
}

uint64_t jh_vmwalk_layout(void) {
    return g_ready ? g_layout : 0;
}

const char *jh_vmwalk_first_unknown(void) {
    return atomic_load(&g_first_unknown);
}

/* --- the code cache ---------------------------------------------------------------------------------- */

/* The blob holding pc, from the code heaps' segment maps (HotSpot's CodeHeap::find_start), or NULL. */
static const char *find_blob(uintptr_t pc) {
    const char *heaps = rd_ptr(L.code_heaps);
    if (heaps == NULL) {
        return NULL;
    }
    int count = rd_int(heaps + L.array_len);
    const char * const *heap = (const char * const *) rd_ptr(heaps + L.array_data);
    for (int i = 0; i < count && i < 8; i++) {
        const char *h = rd_ptr(&heap[i]);
        uintptr_t low = rd_word(h + L.heap_memory + L.vs_low);
        uintptr_t high = rd_word(h + L.heap_memory + L.vs_high);
        if (pc < low || pc >= high) {
            continue;
        }
        int shift = rd_int(h + L.heap_log2_segment);
        const u1 *map = (const u1 *) rd_ptr(h + L.heap_segmap + L.vs_low);
        size_t segment = (pc - low) >> shift;
        uint32_t step = rd_u8(map + segment);
        if (step == FREE_SEGMENT) {
            return NULL;
        }
        for (int guard = 0; step > 0; guard++) {
            if (step > segment || guard > (1 << 20)) {
                return NULL;
            }
            segment -= step;
            step = rd_u8(map + segment);
        }
        const char *block = (const char *) (low + (segment << shift));
        if (!rd_u8(block + L.block_used)) {
            return NULL;
        }
        return block + L.block_size;
    }
    return NULL;
}

enum { KIND_OTHER, KIND_NMETHOD, KIND_INTERPRETER };

/* The names of the blobs the walker knows, learned from the first of each: every blob of a kind points at the
 * same string, so after that a blob's kind costs pointer comparisons, not string comparisons. (Two threads
 * learning at once store equal strings: either pointer serves.) */
static const char *_Atomic g_name_nmethod, *_Atomic g_name_native_nmethod, *_Atomic g_name_interpreter;

static void learn(const char *_Atomic *slot, const char *name) {
    atomic_store_explicit(slot, name, memory_order_relaxed);
}

static int blob_kind(const char *blob) {
    const char *name = rd_ptr(blob + L.blob_name);
    if (name == NULL) {
        return KIND_OTHER;
    }
    if (name == atomic_load_explicit(&g_name_nmethod, memory_order_relaxed)
            || name == atomic_load_explicit(&g_name_native_nmethod, memory_order_relaxed)) {
        return KIND_NMETHOD;
    }
    if (name == atomic_load_explicit(&g_name_interpreter, memory_order_relaxed)) {
        return KIND_INTERPRETER;
    }
    if (jh_read_streq(name, "nmethod")) {
        learn(&g_name_nmethod, name);
        return KIND_NMETHOD;
    }
    if (jh_read_streq(name, "native nmethod")) {
        learn(&g_name_native_nmethod, name);
        return KIND_NMETHOD;
    }
    if (jh_read_streq(name, "Interpreter")) {
        learn(&g_name_interpreter, name);
        return KIND_INTERPRETER;
    }
    return KIND_OTHER;
}

static int is_nmethod(const char *blob, int kind) {
    if (g_nmethod_kind >= 0) {
        return (int) rd_u8(blob + L.blob_kind) == g_nmethod_kind;
    }
    return kind == KIND_NMETHOD;
}

/* --- methods ----------------------------------------------------------------------------------------- */

/* The C++ vtables a HotSpot Method has: libjvm's, and the copy in the CDS archive that archived methods point
 * to. Learned from Method* read where they are certain (an nmethod's own method, an interpreter frame's): a
 * Method* decoded from debug information must have one of them, or the walk gives up rather than follow it. */
#define METHOD_VTABLES 4
static const void *_Atomic g_method_vtables[METHOD_VTABLES];

static void learn_method_vtable(const char *method) {
    unsigned faults = jh_read_faults;
    const void *vtable = rd_ptr(method);
    if (vtable == NULL || jh_read_faults != faults) {
        return;
    }
    for (int i = 0; i < METHOD_VTABLES; i++) {
        const void *known = atomic_load_explicit(&g_method_vtables[i], memory_order_relaxed);
        if (known == vtable) {
            return;
        }
        if (known == NULL) {
            const void *expected = NULL;
            if (atomic_compare_exchange_strong(&g_method_vtables[i], &expected, vtable) || expected == vtable) {
                return;
            }
        }
    }
}

static int is_method(const char *method) {
    if (method == NULL) {
        return 0;
    }
    const void *vtable = rd_ptr(method);
    for (int i = 0; i < METHOD_VTABLES; i++) {
        if (atomic_load_explicit(&g_method_vtables[i], memory_order_relaxed) == vtable) {
            return 1;
        }
    }
    return 0;
}

static int is_native(const char *method) {
    return (rd_u16(method + L.method_flags) & ACC_NATIVE) != 0;
}

/* The method's jmethodID from its class's cache, as AsyncGetCallTrace finds it (NULL when none was made). */
static jmethodID method_id(const char *method) {
    const char *cm = rd_ptr(method + L.method_const);
    const char *pool = rd_ptr(cm + L.const_constants);
    const char *klass = rd_ptr(pool + L.pool_holder);
    /* published with a release store (x86_64: a plain load acquires; the reads below depend on it) */
    const jmethodID *ids = (const jmethodID *) rd_ptr(klass + L.klass_method_ids);
    if (ids == NULL) {
        return NULL;
    }
    uint16_t idnum = rd_u16(cm + L.const_idnum);
    return rd_word(&ids[0]) > idnum ? (jmethodID) rd_ptr(&ids[idnum + 1]) : NULL;
}

/* --- caches of decoded frames ------------------------------------------------------------------------ */

/* What a walk decodes again and again, the frames of a compiled frame, is kept by pc in a direct-mapped cache
 * shared by all threads, each entry guarded by a sequence number (odd while written; a reader that sees it
 * change discards what it read), valid while the code blob at that pc is the same nmethod (same blob, same
 * compile id: code memory is reused after an nmethod is freed). An interpreted frame's method id is not cached
 * by Method*: a class unloaded and loaded again can get the same Method* and a new jmethodID (found by the
 * walker check). */
#define PC_CACHE_SIZE 4096     /* entries, a power of two */
#define PC_CACHE_FRAMES 8      /* deeper inlining is decoded every time */

typedef struct {
    _Atomic uint64_t seq;
    uintptr_t pc;
    const char *blob;
    int compile_id;
    int count;
    jh_java_frame frames[PC_CACHE_FRAMES];
} pc_entry;

static pc_entry g_pc_cache[PC_CACHE_SIZE];

static size_t slot_of(uintptr_t key, size_t size) {
    return (size_t) ((key ^ (key >> 13) ^ (key >> 29)) * 0x9E3779B97F4A7C15ULL >> 40) & (size - 1);
}

/* Begins writing an entry; 0 when another thread is writing it (then it is left alone). */
static uint64_t write_begin(_Atomic uint64_t *seq) {
    uint64_t s = atomic_load_explicit(seq, memory_order_relaxed);
    if ((s & 1) || !atomic_compare_exchange_strong_explicit(seq, &s, s + 1, memory_order_acquire, memory_order_relaxed)) {
        return 0;
    }
    atomic_thread_fence(memory_order_release);
    return s + 2;
}

static void write_end(_Atomic uint64_t *seq, uint64_t done) {
    atomic_store_explicit(seq, done, memory_order_release);
}

/* Copies the cached frames of (blob, pc) into out[n..max); returns the new count, or -1 on a miss. */
static int pc_cache_get(const char *blob, int compile_id, uintptr_t pc, jh_java_frame *out, int n, int max) {
    pc_entry *e = &g_pc_cache[slot_of(pc, PC_CACHE_SIZE)];
    uint64_t before = atomic_load_explicit(&e->seq, memory_order_acquire);
    if ((before & 1) || e->pc != pc || e->blob != blob || e->compile_id != compile_id) {
        return -1;
    }
    int count = e->count;
    if (count <= 0 || count > PC_CACHE_FRAMES) {
        return -1;
    }
    int take = count < max - n ? count : max - n;
    memcpy(out + n, e->frames, sizeof(jh_java_frame) * (size_t) take);
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&e->seq, memory_order_relaxed) != before) {
        return -1;
    }
    return n + take;
}

static void pc_cache_put(const char *blob, int compile_id, uintptr_t pc, const jh_java_frame *frames, int count) {
    if (count <= 0 || count > PC_CACHE_FRAMES) {
        return;
    }
    pc_entry *e = &g_pc_cache[slot_of(pc, PC_CACHE_SIZE)];
    uint64_t done = write_begin(&e->seq);
    if (done == 0) {
        return;
    }
    e->pc = pc;
    e->blob = blob;
    e->compile_id = compile_id;
    e->count = count;
    memcpy(e->frames, frames, sizeof(jh_java_frame) * (size_t) count);
    write_end(&e->seq, done);
}

/* --- compiled frames --------------------------------------------------------------------------------- */

/* One int of compressed debug information (CompressedReadStream / UNSIGNED5); *at past end when it would read
 * beyond it. */
static uint32_t read_int(const u1 **at, const u1 *end) {
    const u1 *b = *at;
    const uint32_t x = g_excluded_byte, low_bytes = 256 - 64 - x;
    uint32_t sum = 0;
    for (int i = 0, shift = 0; b + i < end; i++, shift += 6) {
        uint32_t digit = rd_u8(b + i) - x;
        sum += digit << shift;
        if (digit < low_bytes || i == 4) {
            *at = b + i + 1;
            return sum;
        }
    }
    *at = end + 1;
    return 0;
}

static uintptr_t code_begin(const char *nm) {
    return L.blob_code_begin >= 0 ? rd_word(nm + L.blob_code_begin)
                                  : (uintptr_t) nm + (uintptr_t) rd_int(nm + L.blob_code_offset);
}

/* Whether pc is where a frame of nm being deoptimized returns to (its original pc is then kept in the frame). */
static int is_deopt_pc(const char *nm, uintptr_t pc) {
    if (L.nm_deopt_begin >= 0) {
        return pc == rd_word(nm + L.nm_deopt_begin) || pc == rd_word(nm + L.nm_deopt_mh_begin);
    }
    return pc == (uintptr_t) nm + (uintptr_t) rd_int(nm + L.nm_deopt_offset)
            || pc == (uintptr_t) nm + (uintptr_t) rd_int(nm + L.nm_deopt_mh_offset);
}

/* Appends the frames of compiled frame nm at pc (inlined methods first) to out[n..max); returns the new count
 * or a negative value. */
static int compiled_frames(const char *nm, uintptr_t pc, jh_java_frame *out, int n, int max) {
    const char *pcs, *pcs_end, *scopes, *scopes_end, *metadata_end;
    const char * const *metadata;
    if (L.nm_immutable_data >= 0) {
        const char *data = rd_ptr(nm + L.nm_immutable_data);
        const char *mutable_data = rd_ptr(nm + L.blob_mutable_data);
        pcs = data + rd_int(nm + L.nm_pcs_offset);
        pcs_end = data + rd_int(nm + L.nm_scopes_data_offset);
        scopes = pcs_end;
        scopes_end = data + rd_int(nm + L.nm_immutable_data_size);
        metadata = (const char * const *) (mutable_data + rd_int(nm + L.blob_relocation_size));
        metadata_end = mutable_data + rd_int(nm + L.blob_mutable_data_size);
    } else {
        /* JDK 17's nmethod: ... oops, metadata, scopes data, scopes pcs, dependencies ... */
        pcs = nm + rd_int(nm + L.nm_pcs_offset);
        pcs_end = nm + rd_int(nm + L.nm_dependencies_offset);
        scopes = rd_ptr(nm + L.nm_scopes_data_begin);
        scopes_end = pcs;
        metadata = (const char * const *) (nm + rd_int(nm + L.nm_metadata_offset));
        metadata_end = scopes;
    }
    if (pcs_end < pcs || scopes_end < scopes || metadata_end < (const char *) metadata) {
        return JH_WALK_DEBUG_BOUNDS;
    }
    const long metadata_count = (long) ((metadata_end - (const char *) metadata) / (long) sizeof(void *));
    /* the PcDesc of a call site's return address: they are sorted by pc offset */
    intptr_t offset = (intptr_t) (pc - code_begin(nm));
    size_t lo = 0, hi = (size_t) (pcs_end - pcs) / (size_t) L.pc_size;
    const size_t count = hi;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rd_int(pcs + mid * (size_t) L.pc_size + L.pc_offset) < offset) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    const char *desc = pcs + lo * (size_t) L.pc_size;
    if (lo >= count || rd_int(desc + L.pc_offset) != offset) {
        return JH_WALK_NO_PC_DESC;
    }
    int scope = rd_int(desc + L.pc_scope);
    if (scope == 0) {
        return JH_WALK_NO_DEBUG_INFO; /* no debug information here */
    }
    for (int inlined = 0; scope != 0 && n < max; inlined++) {
        if (inlined >= MAX_INLINING || scope < 0) {
            return JH_WALK_SCOPE;
        }
        if (scope >= scopes_end - scopes) {
            return JH_WALK_SCOPE;
        }
        const u1 *at = (const u1 *) scopes + scope;
        const u1 *end = (const u1 *) scopes_end;
        int sender = (int) read_int(&at, end);
        int index = (int) read_int(&at, end);
        int bci = (int) read_int(&at, end) - 1; /* InvocationEntryBci is -1 */
        if (at > end || index <= 0 || index > metadata_count) {
            return JH_WALK_NOT_A_METHOD;
        }
        const char *method = rd_ptr(&metadata[index - 1]);
        if (!is_method(method)) {
            return JH_WALK_NOT_A_METHOD;
        }
        out[n].bci = bci;
        out[n].method = method_id(method);
        n++;
        scope = sender;
    }
    return n;
}

/* --- walks seen again -------------------------------------------------------------------------------- */

/* A hook in a loop walks the same stack again and again. What a walk reads is the thread's anchor, words of its
 * own stack (return addresses, interpreter slots, entry frames' call wrappers, a deoptimized frame's original
 * pc) and the compile ids of the nmethods it passes; the rest (code, methods' metadata) cannot change while a
 * frame of theirs is on the stack. So each walk records those reads ("guards"), and a later walk from the same
 * anchor whose guards all still hold has the same frames: the caller's interned stack id is kept with the
 * record and given back without walking or hashing again. An interpreted frame's Method* is not enough (a class
 * unloaded and loaded again can reuse it): its jmethodID is a guard too, read once the slot holds the same
 * Method* again (that frame, so its method, is live then). A saved frame pointer is only a guard where it is
 * used (an interpreted caller, an entry frame): compiled code keeps anything in it. Per thread, the newest
 * RECENT_WALKS walks of at most MAX_GUARDS reads. */
#define RECENT_WALKS 4
#define MAX_GUARDS 160
#define GUARD_INT 1    /* an address with this bit reads 4 bytes (a compile id), else 8 */
#define GUARD_METHOD 2 /* an interpreted frame's Method* slot: the method's jmethodID must also be the same */
#define GUARD_TAGS 3

typedef struct {
    uintptr_t addr, value;
    jmethodID id; /* GUARD_METHOD: the method's id when the walk was made */
} guard;

typedef struct {
    uintptr_t sp, fp, pc; /* the thread's anchor when the walk began */
    int key;              /* the caller's: what it asked of the walk */
    int count;            /* guards; 0: an empty record */
    jint id;              /* the caller's stack id for it */
    unsigned used;
    guard g[MAX_GUARDS];
} walk_record;

typedef struct {
    walk_record recent[RECENT_WALKS];
    walk_record pending; /* the walk in progress */
    unsigned clock;
} thread_walks;

/* Allocated on a thread's first walk (19 KB: too big for the static TLS block this module's TLS lives in) and
 * freed when the thread ends. */
static __thread thread_walks *t_walks __attribute__((tls_model("initial-exec")));
static thread_walks *my_walks(void) {
    thread_walks *w = t_walks;
    if (w == NULL && g_walks_key_made) {
        w = calloc(1, sizeof(thread_walks));
        if (w != NULL) {
            if (pthread_setspecific(g_walks_key, w) != 0) {
                free(w);
                return NULL;
            }
            t_walks = w;
        }
    }
    return w;
}

static void add_guard(walk_record *r, uintptr_t addr, uintptr_t value) {
    if (r == NULL) {
        return;
    }
    if (r->count < MAX_GUARDS) {
        r->g[r->count].addr = addr;
        r->g[r->count].value = value;
        r->count++;
    } else {
        r->count = MAX_GUARDS + 1; /* too many reads to keep: this walk is not remembered */
    }
}

static uintptr_t guarded(walk_record *r, const void *at) {
    uintptr_t v = rd_word(at);
    add_guard(r, (uintptr_t) at, v);
    return v;
}

static int guarded_int(walk_record *r, const void *at) {
    int v = rd_int(at);
    add_guard(r, (uintptr_t) at | GUARD_INT, (uintptr_t) (uint32_t) v);
    return v;
}

/* Records an interpreted frame's Method* slot; its method id follows (method_guard_id). */
static uintptr_t guarded_method(walk_record *r, const void *at) {
    uintptr_t v = guarded(r, at);
    if (r != NULL && r->count <= MAX_GUARDS) {
        r->g[r->count - 1].addr |= GUARD_METHOD;
        r->g[r->count - 1].id = NULL;
    }
    return v;
}

/* Completes the method guard recorded at index at (the count before guarded_method) with the method's id. */
static void method_guard_id(walk_record *r, int at, jmethodID id) {
    if (r != NULL && at >= 0 && at < r->count && at < MAX_GUARDS && (r->g[at].addr & GUARD_METHOD)) {
        r->g[at].id = id;
    }
}

/* Whether every guard still holds. An interpreted frame's method is read only once its slot on the stack holds
 * the same Method* as before: that frame is live again, so is its method (a class unloaded and loaded again can
 * reuse the Method*, but not keep its jmethodID). */
static int holds(const walk_record *r) {
    unsigned faults = jh_read_faults;
    for (int i = 0; i < r->count && jh_read_faults == faults; i++) {
        uintptr_t a = r->g[i].addr;
        uintptr_t at = a & ~(uintptr_t) GUARD_TAGS;
        uintptr_t now = (a & GUARD_INT) ? (uintptr_t) rd_u32((const void *) at) : rd_word((const void *) at);
        if (now != r->g[i].value) {
            return 0;
        }
        if ((a & GUARD_METHOD) && (now == 0 || method_id((const char *) now) != r->g[i].id)) {
            return 0;
        }
    }
    return jh_read_faults == faults;
}

static void anchor_of(JNIEnv *env, uintptr_t *sp, uintptr_t *fp, uintptr_t *pc) {
    const char *anchor = (const char *) env - g_env_offset + L.thread_anchor;
    *sp = rd_word(anchor + L.anchor_sp);
    *fp = rd_word(anchor + L.anchor_fp);
    *pc = rd_word(anchor + L.anchor_pc);
}

jint jh_vmwalk_again(JNIEnv *env, int key) {
    if (!g_ready) {
        return 0;
    }
    unsigned faults = jh_read_faults;
    uintptr_t sp, fp, pc;
    anchor_of(env, &sp, &fp, &pc);
    thread_walks *w = my_walks();
    if (w == NULL || jh_read_faults != faults) {
        return 0;
    }
    for (int i = 0; i < RECENT_WALKS; i++) {
        walk_record *r = &w->recent[i];
        if (r->count > 0 && r->id > 0 && r->key == key && r->sp == sp && r->fp == fp && r->pc == pc && holds(r)) {
            r->used = ++w->clock;
            return r->id;
        }
    }
    return 0;
}

void jh_vmwalk_remember(int key, jint id) {
    thread_walks *w = t_walks;
    if (w == NULL || id <= 0 || w->pending.count == 0 || w->pending.count > MAX_GUARDS) {
        return;
    }
    walk_record *oldest = &w->recent[0];
    for (int i = 1; i < RECENT_WALKS; i++) {
        if (w->recent[i].used < oldest->used) {
            oldest = &w->recent[i];
        }
    }
    size_t head = offsetof(walk_record, g);
    memcpy(oldest, &w->pending, head + sizeof(guard) * (size_t) w->pending.count);
    oldest->key = key;
    oldest->id = id;
    oldest->used = ++w->clock;
}

/* --- the walk ---------------------------------------------------------------------------------------- */

int jh_vmwalk(JNIEnv *env, jh_java_frame *out, int max) {
    if (!g_ready) {
        return JH_WALK_NOT_READY;
    }
    const unsigned faults = jh_read_faults;
    const char *thread = (const char *) env - g_env_offset;
    const uintptr_t base = rd_word(thread + L.stack_base);
    const uintptr_t limit = base - rd_word(thread + L.stack_size);
    uintptr_t sp, fp, pc;
    anchor_of(env, &sp, &fp, &pc);
    if (jh_read_faults != faults) {
        return WALK_FAULTED;
    }
    if (sp <= limit || sp >= base) {
        return JH_WALK_ANCHOR_OUTSIDE_STACK;
    }
    thread_walks *walks = my_walks();
    walk_record *rec = walks == NULL ? NULL : &walks->pending;
    if (rec != NULL) {
        rec->sp = sp;
        rec->fp = fp;
        rec->pc = pc;
        rec->count = 0;
    }
    const uintptr_t *fp_at = NULL; /* where fp was read from: it becomes a guard only where it is used */
    if (pc == 0) {
        pc = guarded(rec, (const uintptr_t *) sp - 1);
    }
    const uintptr_t call_stub = rd_word(L.call_stub_return);
    int n = 0;
    /* a native method's frame is expected on top (the hook's own) and where native code called Java (below an
     * entry frame: Method.invoke's native accessor, a JNI upcall); anywhere else it is not understood (a
     * virtual thread's entry, for one) */
    int native_ok = 1;
    for (int step = 0; n < max; step++) {
        if (step >= MAX_STEPS) {
            return JH_WALK_TOO_MANY_FRAMES;
        }
        uintptr_t caller_sp;
        int entered = 0;
        if (pc == call_stub) {
            /* an entry frame (native code called Java): the Java frames below it are found through the
             * JavaCallWrapper's anchor, or there are none */
            if (fp <= sp || fp >= base) {
                return JH_WALK_ENTRY_FP;
            }
            if (fp_at != NULL) {
                guarded(rec, fp_at);
            }
            const char *wrapper = (const char *) guarded(rec, (const void *) (fp + (intptr_t) L.entry_wrapper_slot * 8));
            if ((uintptr_t) wrapper <= fp || (uintptr_t) wrapper >= base) {
                return JH_WALK_CALL_WRAPPER;
            }
            const char *a = wrapper + L.wrapper_anchor;
            caller_sp = guarded(rec, a + L.anchor_sp);
            if (caller_sp == 0) {
                break; /* the thread's first Java frame was the last */
            }
            fp = guarded(rec, a + L.anchor_fp);
            fp_at = NULL; /* guarded already */
            pc = guarded(rec, a + L.anchor_pc);
            if (caller_sp <= sp || caller_sp >= base) {
                return JH_WALK_ENTRY_CALLER;
            }
            if (pc == 0) {
                pc = guarded(rec, (const uintptr_t *) caller_sp - 1);
            }
            entered = 1;
        } else {
            const char *blob = find_blob(pc);
            if (blob == NULL) {
                return JH_WALK_NO_CODE_BLOB;
            }
            int kind = blob_kind(blob);
            if (is_nmethod(blob, kind)) {
                const char *method = rd_ptr(blob + L.nm_method);
                if (method == NULL) {
                    return jh_read_faults != faults ? WALK_FAULTED : JH_WALK_NO_METHOD;
                }
                learn_method_vtable(method);
                if (is_native(method)) {
                    if (!native_ok) {
                        return JH_WALK_NATIVE_FRAME;
                    }
                    guarded_int(rec, blob + L.nm_compile_id);
                    out[n].bci = JH_BCI_NATIVE;
                    out[n].method = method_id(method);
                    n++;
                } else {
                    uintptr_t real_pc = pc;
                    if (is_deopt_pc(blob, pc)) {
                        real_pc = guarded(rec, (const void *) (sp + (uintptr_t) rd_int(blob + L.nm_orig_pc)));
                    }
                    int compile_id = guarded_int(rec, blob + L.nm_compile_id);
                    int cached = pc_cache_get(blob, compile_id, real_pc, out, n, max);
                    if (cached >= 0) {
                        n = cached;
                    } else {
                        int before = n;
                        n = compiled_frames(blob, real_pc, out, n, max);
                        if (jh_read_faults != faults) {
                            return WALK_FAULTED; /* before anything it read is cached */
                        }
                        if (n < 0) {
                            return n;
                        }
                        if (n < max) { /* all of this frame's methods were decoded */
                            pc_cache_put(blob, compile_id, real_pc, out + before, n - before);
                        }
                    }
                }
                int words = rd_int(blob + L.blob_frame_size);
                if (words <= 0 || words > MAX_FRAME_WORDS) {
                    return JH_WALK_FRAME_SIZE;
                }
                caller_sp = sp + (uintptr_t) words * 8;
                if (caller_sp >= base) {
                    return JH_WALK_BEYOND_STACK;
                }
                pc = guarded(rec, (const uintptr_t *) caller_sp - 1);
                fp_at = (const uintptr_t *) caller_sp - 2;
                fp = rd_word(fp_at);
            } else if (kind == KIND_INTERPRETER) {
                if (fp <= sp || fp >= base - 16) {
                    return JH_WALK_INTERPRETER_FP;
                }
                if (fp_at != NULL) {
                    guarded(rec, fp_at);
                }
                const uintptr_t *f = (const uintptr_t *) fp;
                int method_guard = rec == NULL ? -1 : rec->count;
                const char *method = (const char *) guarded_method(rec, &f[INTERP_METHOD]);
                if (method == NULL) {
                    return jh_read_faults != faults ? WALK_FAULTED : JH_WALK_INTERPRETER_METHOD;
                }
                learn_method_vtable(method);
                if (is_native(method)) {
                    if (!native_ok) {
                        return JH_WALK_NATIVE_FRAME;
                    }
                    out[n].bci = JH_BCI_NATIVE;
                } else {
                    const char *cm = rd_ptr(method + L.method_const);
                    intptr_t bci = (intptr_t) guarded(rec, &f[INTERP_BCP]) - (intptr_t) (cm + L.const_size);
                    if (bci < 0 || bci >= rd_u16(cm + L.const_code_size)) {
                        return JH_WALK_BCI;
                    }
                    out[n].bci = (jint) bci;
                }
                out[n].method = method_id(method);
                method_guard_id(rec, method_guard, out[n].method);
                n++;
                caller_sp = guarded(rec, &f[INTERP_SENDER_SP]);
                pc = guarded(rec, &f[FRAME_RETURN_PC]);
                fp_at = &f[FRAME_LINK];
                fp = rd_word(fp_at);
                if (caller_sp <= (uintptr_t) f || caller_sp >= base) {
                    return JH_WALK_SENDER_SP;
                }
            } else {
                const char *unknown = NULL;
                atomic_compare_exchange_strong(&g_first_unknown, &unknown, rd_ptr(blob + L.blob_name));
                return JH_WALK_UNKNOWN_BLOB; /* a stub, an adapter, an upcall: left to AsyncGetCallTrace */
            }
        }
        if (jh_read_faults != faults) {
            return WALK_FAULTED;
        }
        if (caller_sp <= sp) {
            return JH_WALK_NOT_GROWING;
        }
        sp = caller_sp;
        native_ok = entered;
    }
    return jh_read_faults != faults ? WALK_FAULTED : n;
}

#else /* not x86_64 */

int jh_vmwalk_init(JNIEnv *env) {
    (void) env;
    return JH_INIT_NOT_X86_64;
}

int jh_vmwalk(JNIEnv *env, jh_java_frame *out, int max) {
    (void) env;
    (void) out;
    (void) max;
    return JH_WALK_NOT_READY;
}

jint jh_vmwalk_again(JNIEnv *env, int key) {
    (void) env;
    (void) key;
    return 0;
}

uint64_t jh_vmwalk_layout(void) {
    return 0;
}

const char *jh_vmwalk_first_unknown(void) {
    return NULL;
}

void jh_vmwalk_remember(int key, jint id) {
    (void) key;
    (void) id;
}

#endif
