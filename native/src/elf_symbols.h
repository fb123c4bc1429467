/* Names a code address from its library's own symbol table, for native frames in reports. */
#ifndef JHTRACE_ELF_SYMBOLS_H
#define JHTRACE_ELF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

/* What jh_elf_symbolize found. */
typedef enum {
    JH_SYM_FOUND = 1,       /* a function symbol holds the address: name and offset are set */
    JH_SYM_NONE = 0,        /* the library has a symbol table, and no function in it holds the address */
    JH_SYM_UNREADABLE = -1  /* the file could not be read or is not a 64-bit ELF: fall back to dladdr */
} jh_sym_result;

/*
 * Looks up address in the ELF file at path, mapped by the dynamic loader at map_start (dladdr's dli_fbase):
 * its .symtab when it has one (static functions too), else its .dynsym (exported ones, with their sizes, so that an
 * address outside every exported function is not given the name of the one before it). Never called from a hook:
 * it opens and maps the file (a few libraries stay mapped, so that a report's many frames read each once).
 * Thread-safe.
 */
jh_sym_result jh_elf_symbolize(const char *path, uintptr_t map_start, uintptr_t address, char *name, size_t cap,
                               uintptr_t *offset);

#endif
