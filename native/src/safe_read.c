#define _GNU_SOURCE
#include "safe_read.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

__thread unsigned jh_read_faults __attribute__((tls_model("initial-exec")));

static _Atomic long g_faults;

int jh_read_streq(const char *s, const char *expected) {
    unsigned before = jh_read_faults;
    for (size_t i = 0;; i++) {
        uint32_t c = jh_read_u8(s + i);
        if (jh_read_faults != before || c != (unsigned char) expected[i]) {
            return 0;
        }
        if (c == 0) {
            return 1;
        }
    }
}

long jh_safe_read_fault_count(void) {
    return atomic_load_explicit(&g_faults, memory_order_relaxed);
}

#if defined(__x86_64__)

/* An entry of jh_guarded_reads: the guarded instruction and its fault label, each relative to its own field
 * (position-independent: no relocation at load time, and the section stays read-only). */
typedef struct {
    int32_t insn, resume;
} guarded_read;

extern const guarded_read __start_jh_guarded_reads[] __attribute__((visibility("hidden")));
extern const guarded_read __stop_jh_guarded_reads[] __attribute__((visibility("hidden")));

/* The handlers that were there before ours: SIGSEGV's, SIGBUS's. */
static struct sigaction g_previous[2];
static uintptr_t g_lowest, g_highest; /* the guarded instructions' span: any other pc is passed on at once */

static uintptr_t insn_of(const guarded_read *e) {
    return (uintptr_t) &e->insn + (uintptr_t) (intptr_t) e->insn;
}

static uintptr_t resume_of(const guarded_read *e) {
    return (uintptr_t) &e->resume + (uintptr_t) (intptr_t) e->resume;
}

static uintptr_t resume_at(uintptr_t pc) {
    if (pc < g_lowest || pc > g_highest) {
        return 0;
    }
    for (const guarded_read *e = __start_jh_guarded_reads; e < __stop_jh_guarded_reads; e++) {
        if (insn_of(e) == pc) {
            return resume_of(e);
        }
    }
    return 0;
}

/* Hands a fault that is not ours to the handler that was there before, as the kernel would have. A default (or
 * ignored) action is put back in place and the instruction runs again: it faults again and the process ends as
 * it would have without us (with a core dump where one was due). */
static void pass_on(int sig, siginfo_t *info, void *context) {
    struct sigaction *previous = &g_previous[sig == SIGBUS];
    if (previous->sa_flags & SA_SIGINFO) {
        previous->sa_sigaction(sig, info, context);
    } else if (previous->sa_handler == SIG_DFL || previous->sa_handler == SIG_IGN) {
        struct sigaction fallback;
        memset(&fallback, 0, sizeof(fallback));
        fallback.sa_handler = SIG_DFL;
        sigaction(sig, &fallback, NULL);
    } else {
        previous->sa_handler(sig);
    }
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = (ucontext_t *) context;
    uintptr_t resume = resume_at((uintptr_t) uc->uc_mcontext.gregs[REG_RIP]);
    if (resume != 0) {
        atomic_fetch_add_explicit(&g_faults, 1, memory_order_relaxed);
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t) resume;
        return;
    }
    pass_on(sig, info, context);
}

static int install(int sig, struct sigaction *previous) {
    struct sigaction now;
    if (sigaction(sig, NULL, &now) != 0) {
        return -errno;
    }
    struct sigaction ours = now; /* the mask and flags the previous handler runs with */
    ours.sa_sigaction = on_fault;
    ours.sa_flags = (now.sa_flags & ~(int) SA_RESETHAND) | SA_SIGINFO;
    if (!(now.sa_flags & SA_SIGINFO) && (now.sa_handler == SIG_DFL || now.sa_handler == SIG_IGN)) {
        sigemptyset(&ours.sa_mask);
        ours.sa_flags = SA_SIGINFO | SA_RESTART;
    }
    *previous = now;
    return sigaction(sig, &ours, NULL) == 0 ? 0 : -errno;
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_init_result;

static void init_once(void) {
    g_lowest = UINTPTR_MAX;
    for (const guarded_read *e = __start_jh_guarded_reads; e < __stop_jh_guarded_reads; e++) {
        uintptr_t pc = insn_of(e);
        g_lowest = pc < g_lowest ? pc : g_lowest;
        g_highest = pc > g_highest ? pc : g_highest;
    }
    g_init_result = install(SIGSEGV, &g_previous[0]);
    if (g_init_result == 0) {
        g_init_result = install(SIGBUS, &g_previous[1]);
    }
}

int jh_safe_read_init(void) {
    pthread_once(&g_once, init_once);
    return g_init_result;
}

#else

int jh_safe_read_init(void) {
    return -ENOSYS;
}

#endif
