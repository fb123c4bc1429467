/* C unit test of jh_elf_symbolize on a real library, with its symbol table and stripped of it. */
#define _GNU_SOURCE
#include "elf_symbols.h"
#include "check.h"

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

typedef void *(*address_fn)(void);

static void lookups(const char *library, int stripped) {
    void *lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    check(lib != NULL, "the victim library loads");
    if (lib == NULL) {
        return;
    }
    address_fn hidden = (address_fn) dlsym(lib, "hidden_worker_address");
    void *exported = dlsym(lib, "exported_entry");
    Dl_info info;
    check(dladdr(exported, &info) != 0, "dladdr knows the library");
    char name[128];
    uintptr_t offset = 0;
    jh_sym_result r = jh_elf_symbolize(info.dli_fname, (uintptr_t) info.dli_fbase, (uintptr_t) exported + 2, name,
                                       sizeof(name), &offset);
    check(r == JH_SYM_FOUND && strcmp(name, "exported_entry") == 0 && offset == 2,
          stripped ? "stripped: an exported function by .dynsym, with its offset"
                   : "an exported function, with its offset");
    r = jh_elf_symbolize(info.dli_fname, (uintptr_t) info.dli_fbase, (uintptr_t) hidden(), name, sizeof(name),
                         &offset);
    if (stripped) {
        check(r == JH_SYM_NONE, "stripped: a static function has no name, not its neighbour's");
    } else {
        check(r == JH_SYM_FOUND && strcmp(name, "hidden_worker") == 0 && offset == 4,
              "a static function by .symtab, which dladdr cannot name");
    }
    char small[4];
    r = jh_elf_symbolize(info.dli_fname, (uintptr_t) info.dli_fbase, (uintptr_t) exported, small, sizeof(small),
                         &offset);
    check(r == JH_SYM_FOUND && strcmp(small, "exp") == 0, "a long name is cut to the buffer");
    dlclose(lib);
}

int main(void) {
    lookups("./libsym_victim.so", 0);
    lookups("./libsym_victim_stripped.so", 1);
    char name[64];
    uintptr_t offset;
    check(jh_elf_symbolize("/nonexistent.so", 0, 1, name, sizeof(name), &offset) == JH_SYM_UNREADABLE,
          "a missing file is unreadable, not a crash");
    check(jh_elf_symbolize("/proc/self/status", 0, 1, name, sizeof(name), &offset) == JH_SYM_UNREADABLE,
          "a file that is not ELF is unreadable");
    check(jh_elf_symbolize("./test_elf_symbols.c.missing", 0, 1, name, sizeof(name), &offset) == JH_SYM_UNREADABLE,
          "again, with the cache in use");
    return summary("test_elf_symbols");
}
