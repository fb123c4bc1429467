/* C unit test of jh_patch_imports: redirect a real shared library's import through its GOT. */
#define _GNU_SOURCE
#include "elf_got.h"
#include "check.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fake_getpid(void) {
    return 4242;
}

typedef struct {
    void *base_hint;
    int patched;
    const jh_import_patch *patches;
    size_t n;
} scan;

static int patch_victim(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    scan *s = data;
    if (info->dlpi_name != NULL && strstr(info->dlpi_name, "libgot_victim.so") != NULL) {
        s->patched = jh_patch_imports(info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum, s->patches, s->n);
    }
    return 0;
}


int main(void) {
    void *lib = dlopen("./libgot_victim.so", RTLD_NOW);
    check(lib != NULL, "victim library loads");
    if (lib == NULL) {
        return 1;
    }
    int (*victim_pid)(void) = (int (*)(void)) dlsym(lib, "victim_pid");
    check(victim_pid() == getpid(), "before patching the victim calls libc's getpid");

    jh_import_patch patches[] = {{"getpid", (void *) fake_getpid}};
    scan s = {NULL, 0, patches, 1};
    dl_iterate_phdr(patch_victim, &s);
    check(s.patched == 1, "exactly one slot patched (full RELRO page made writable)");
    check(victim_pid() == 4242, "after patching the victim's call lands in the replacement");
    check(getpid() != 4242, "the test's own getpid is untouched");

    s.patched = -7;
    dl_iterate_phdr(patch_victim, &s);
    check(s.patched == 0, "patching again is a no-op");

    jh_import_patch none[] = {{"no_such_import", (void *) fake_getpid}};
    scan t = {NULL, 0, none, 1};
    dl_iterate_phdr(patch_victim, &t);
    check(t.patched == 0, "an import the library does not have is not patched");
    return summary(__FILE__);
}
