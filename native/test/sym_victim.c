/* A library with a function no one can see (static, not exported), for test_elf_symbols. */
#include <unistd.h>

__attribute__((noinline)) static int hidden_worker(int x) {
    return x * 3 + (int) getpid() % 2;
}

__attribute__((visibility("default"))) int exported_entry(int x) {
    return hidden_worker(x) + 1;
}

/* The hidden function's address, as a stack walk would find a return address in it. */
__attribute__((visibility("default"))) void *hidden_worker_address(void) {
    return (void *) ((char *) hidden_worker + 4);
}
