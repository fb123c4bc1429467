/*
 * Guarded reads of memory that may not be mapped: what the VMStructs walker reads of HotSpot's structures.
 *
 * Why: the walker follows pointers in the VM's memory from threads the VM does not stop (code blobs, methods,
 * constant pools; metaspace is uncommitted when classes unload), and a wrong guess about a layout would read
 * anywhere. A read that faults must fail the walk (AsyncGetCallTrace then takes the stack), never the process.
 *
 * How: each read is one instruction whose address goes, with where to go on a fault, into the section
 * jh_guarded_reads (as the Linux kernel's exception table does). A SIGSEGV/SIGBUS handler installed in front of
 * the JVM's looks the faulting instruction up there: one of ours resumes at its fault label, which counts the
 * fault for the thread and gives 0; any other fault goes on to the handler that was there before (HotSpot's,
 * which needs it for implicit null checks and safepoint polls), exactly as if ours were not there. A read costs
 * what a plain load costs: the inline instruction, no call, no system call.
 *
 * x86_64 only (as the walker is); elsewhere the reads are plain loads and jh_safe_read_init fails.
 */
#ifndef JHTRACE_SAFE_READ_H
#define JHTRACE_SAFE_READ_H

#include <stdint.h>

/* Guarded reads of this thread that faulted: a caller compares it before and after its reads. */
extern __thread unsigned jh_read_faults __attribute__((tls_model("initial-exec")));

/* Installs the fault handler for SIGSEGV and SIGBUS, once (later calls return the first one's result). Returns 0,
 * or a negative errno: guarded reads that fault then crash as plain loads would, so a caller must not read. */
int jh_safe_read_init(void);

/* Guarded reads that faulted in this process so far. */
long jh_safe_read_fault_count(void);

#if defined(__x86_64__)

/* One guarded load: insn loads into the output from the address operand. On a fault the handler resumes at the
 * label: the output is then undefined, the function counts the fault and returns 0. */
#define JH_GUARDED_LOAD(insn, type, at)                                                                        \
    do {                                                                                                       \
        type jh_value_;                                                                                        \
        __asm__ goto("1: " insn " (%1), %0\n\t"                                                                \
                     ".pushsection jh_guarded_reads, \"a\"\n\t"                                                \
                     ".balign 4\n\t"                                                                           \
                     ".long 1b - ., %l[jh_faulted] - .\n\t"                                                    \
                     ".popsection"                                                                             \
                     : "=r"(jh_value_)                                                                         \
                     : "r"(at)                                                                                 \
                     :                                                                                         \
                     : jh_faulted);                                                                            \
        return jh_value_;                                                                                      \
    jh_faulted:                                                                                                \
        jh_read_faults++;                                                                                      \
        return 0;                                                                                              \
    } while (0)

static inline uint64_t jh_read_u64(const void *at) {
    JH_GUARDED_LOAD("movq", uint64_t, at);
}

static inline uint32_t jh_read_u32(const void *at) {
    JH_GUARDED_LOAD("movl", uint32_t, at);
}

static inline uint32_t jh_read_u16(const void *at) {
    JH_GUARDED_LOAD("movzwl", uint32_t, at);
}

static inline uint32_t jh_read_u8(const void *at) {
    JH_GUARDED_LOAD("movzbl", uint32_t, at);
}

#else

static inline uint64_t jh_read_u64(const void *at) {
    return *(const volatile uint64_t *) at;
}

static inline uint32_t jh_read_u32(const void *at) {
    return *(const volatile uint32_t *) at;
}

static inline uint32_t jh_read_u16(const void *at) {
    return *(const volatile uint16_t *) at;
}

static inline uint32_t jh_read_u8(const void *at) {
    return *(const volatile unsigned char *) at;
}

#endif

/* Whether the NUL-terminated string at s (guarded reads) equals expected; 0 on a fault. */
int jh_read_streq(const char *s, const char *expected);

#endif
