/* Guarded reads: a read of unmapped memory (SIGSEGV) or past a file's end (SIGBUS) gives 0 and is counted, on every
 * thread at once while the page comes and goes; a read of mapped memory gives its value; a fault that is not a
 * guarded read still reaches the handler that was there before (as HotSpot's must, for its own faults). */
#define _GNU_SOURCE
#include "check.h"
#include "safe_read.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf g_jump;
static volatile sig_atomic_t g_previous_calls;

/* Stands for HotSpot's handler: installed first, it must still see the faults that are not guarded reads. */
static void previous_handler(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) info;
    (void) context;
    g_previous_calls++;
    siglongjmp(g_jump, 1);
}

#define THREADS 4
#define READS 200000

static char *g_flipping;          /* a page made readable and unreadable again and again */
static atomic_int g_stop;

static void *flipper(void *arg) {
    (void) arg;
    long page = sysconf(_SC_PAGESIZE);
    while (!atomic_load(&g_stop)) {
        mprotect(g_flipping, (size_t) page, PROT_NONE);
        mprotect(g_flipping, (size_t) page, PROT_READ);
    }
    return NULL;
}

static void *reader(void *arg) {
    long *wrong = arg;
    for (int i = 0; i < READS; i++) {
        unsigned before = jh_read_faults;
        uint64_t v = jh_read_u64(g_flipping);
        int faulted = jh_read_faults != before;
        /* the page holds 0x1122334455667788: any read gives that or, faulted, 0 */
        if ((faulted && v != 0) || (!faulted && v != 0x1122334455667788ULL)) {
            (*wrong)++;
        }
    }
    return NULL;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    struct sigaction before;
    memset(&before, 0, sizeof(before));
    before.sa_sigaction = previous_handler;
    before.sa_flags = SA_SIGINFO;
    sigemptyset(&before.sa_mask);
    sigaction(SIGSEGV, &before, NULL);
    sigaction(SIGBUS, &before, NULL);

    check(jh_safe_read_init() == 0, "the handler is installed");
    check(jh_safe_read_init() == 0, "a second init changes nothing");

    char *pages = mmap(NULL, (size_t) page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t pattern = 0x1122334455667788ULL;
    memcpy(pages + page - 8, &pattern, 8);
    mprotect(pages + page, (size_t) page, PROT_NONE);

    unsigned faults = jh_read_faults;
    check(jh_read_u64(pages + page - 8) == pattern && jh_read_faults == faults, "a mapped word reads as it is");
    check(jh_read_u32(pages + page - 4) == 0x11223344u && jh_read_u16(pages + page - 2) == 0x1122u
                  && jh_read_u8(pages + page - 1) == 0x11u && jh_read_faults == faults,
          "narrower reads at the end of a page do not touch the next one");
    check(jh_read_u64(pages + page) == 0 && jh_read_faults == faults + 1, "an unreadable word reads 0, counted");
    check(jh_read_u32(pages + page) == 0 && jh_read_u16(pages + page) == 0 && jh_read_u8(pages + page) == 0
                  && jh_read_faults == faults + 4,
          "so do narrower reads");
    check(jh_read_u64((const void *) 16) == 0 && jh_read_faults == faults + 5, "a null pointer's field reads 0");
    check(jh_read_u64((const void *) 0xffff800000000000ULL) == 0 && jh_read_faults == faults + 6,
          "a kernel address reads 0");
    check(jh_safe_read_fault_count() == 6, "the process counts the faults");
    check(g_previous_calls == 0, "guarded faults are not passed on");

    strcpy(pages, "nmethod");
    check(jh_read_streq(pages, "nmethod") && !jh_read_streq(pages, "nmethods") && !jh_read_streq(pages, "nmetho"),
          "guarded string comparison");
    memcpy(pages + page - 3, "abc", 3); /* no terminator before the unreadable page */
    check(!jh_read_streq(pages + page - 3, "abc"), "a string running into an unreadable page is not equal");

    /* SIGBUS: a shared file mapping past the file's end */
    char name[] = "/tmp/jhtrace-safe-read-XXXXXX";
    int fd = mkstemp(name);
    unlink(name);
    char *beyond = fd < 0 ? MAP_FAILED : mmap(NULL, (size_t) page, PROT_READ, MAP_SHARED, fd, 0);
    if (beyond != MAP_FAILED) {
        unsigned at = jh_read_faults;
        check(jh_read_u32(beyond) == 0 && jh_read_faults == at + 1, "a read past a mapped file's end (SIGBUS) reads 0");
        munmap(beyond, (size_t) page);
    } else {
        check(0, "mapping an empty file");
    }
    if (fd >= 0) {
        close(fd);
    }

    /* a fault that is not a guarded read goes to the handler that was there before */
    if (sigsetjmp(g_jump, 1) == 0) {
        volatile char *p = pages + page;
        (void) *p;
        check(0, "an unguarded read of an unreadable page faults");
    }
    check(g_previous_calls == 1, "an unguarded fault reaches the previous handler");

    /* many threads reading while the page comes and goes */
    g_flipping = pages;
    memcpy(g_flipping, &pattern, 8);
    pthread_t flip, readers[THREADS];
    long wrong[THREADS] = {0};
    long faults_before = jh_safe_read_fault_count();
    pthread_create(&flip, NULL, flipper, NULL);
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&readers[i], NULL, reader, &wrong[i]);
    }
    long total_wrong = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(readers[i], NULL);
        total_wrong += wrong[i];
    }
    atomic_store(&g_stop, 1);
    pthread_join(flip, NULL);
    check(total_wrong == 0, "racing reads give the value or 0 with a fault counted, never anything else");
    printf("     %ld of %d racing reads faulted\n", jh_safe_read_fault_count() - faults_before, THREADS * READS);
    munmap(pages, (size_t) page * 2);
    return summary("test_safe_read");
}
