/*
 * Finds and patches the import slots (GOT entries) of a loaded ELF object.
 *
 * The dynamic section of the object gives its symbol and string tables and its relocations: PLT ones
 * (DT_JMPREL, lazily or eagerly bound calls) and the others (DT_RELA: GLOB_DAT and absolute 64-bit slots of
 * -fno-plt code and of function pointers taken with &). A slot whose symbol is one of the names asked for is
 * overwritten with the replacement; the page is made writable first, since everything here is full RELRO.
 */
#ifndef JHTRACE_ELF_GOT_H
#define JHTRACE_ELF_GOT_H

#include <link.h>
#include <stddef.h>

typedef struct {
    const char *name;    /* imported symbol */
    void *replacement;   /* what the slot should call */
} jh_import_patch;

/*
 * Patches every slot of the object described by (base, phdrs, phnum) that imports one of the n names.
 * Slots already holding the replacement are left alone. Returns the number of slots patched, or -1 when
 * the object has no dynamic section.
 */
int jh_patch_imports(ElfW(Addr) base, const ElfW(Phdr) *phdrs, ElfW(Half) phnum, const jh_import_patch *patches,
                     size_t n);

#endif
