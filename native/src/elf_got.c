#include "elf_got.h"

#include <elf.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__)
#define JH_R_JUMP_SLOT R_X86_64_JUMP_SLOT
#define JH_R_GLOB_DAT R_X86_64_GLOB_DAT
#define JH_R_ABS64 R_X86_64_64
#elif defined(__aarch64__)
#define JH_R_JUMP_SLOT R_AARCH64_JUMP_SLOT
#define JH_R_GLOB_DAT R_AARCH64_GLOB_DAT
#define JH_R_ABS64 R_AARCH64_ABS64
#else
#error "jhtrace's native module supports x86_64 and aarch64"
#endif

/* glibc relocates most d_ptr values in place; a few loaders (and the vDSO) leave them relative. */
static ElfW(Addr) absolute(ElfW(Addr) base, ElfW(Addr) ptr) {
    return ptr < base ? base + ptr : ptr;
}

static int make_writable(void *slot) {
    long page = sysconf(_SC_PAGESIZE);
    void *start = (void *) ((ElfW(Addr)) slot & ~((ElfW(Addr)) page - 1));
    return mprotect(start, (size_t) page, PROT_READ | PROT_WRITE);
}

static int patch_table(ElfW(Addr) base, const ElfW(Rela) *rela, size_t count, const ElfW(Sym) *symtab,
                       const char *strtab, const jh_import_patch *patches, size_t n) {
    int patched = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned long type = ELF64_R_TYPE(rela[i].r_info);
        if (type != JH_R_JUMP_SLOT && type != JH_R_GLOB_DAT && type != JH_R_ABS64) {
            continue;
        }
        unsigned long sym = ELF64_R_SYM(rela[i].r_info);
        if (sym == 0) {
            continue;
        }
        const char *name = strtab + symtab[sym].st_name;
        for (size_t p = 0; p < n; p++) {
            if (strcmp(name, patches[p].name) != 0) {
                continue;
            }
            void **slot = (void **) (base + rela[i].r_offset);
            if (*slot != patches[p].replacement && make_writable(slot) == 0) {
                /* an aligned pointer store: atomic for threads calling through the slot meanwhile */
                __atomic_store_n(slot, patches[p].replacement, __ATOMIC_RELEASE);
                patched++;
            }
            break;
        }
    }
    return patched;
}

int jh_patch_imports(ElfW(Addr) base, const ElfW(Phdr) *phdrs, ElfW(Half) phnum, const jh_import_patch *patches,
                     size_t n) {
    const ElfW(Dyn) *dyn = NULL;
    for (ElfW(Half) i = 0; i < phnum; i++) {
        if (phdrs[i].p_type == PT_DYNAMIC) {
            dyn = (const ElfW(Dyn) *) (base + phdrs[i].p_vaddr);
        }
    }
    if (dyn == NULL) {
        return -1;
    }
    const ElfW(Sym) *symtab = NULL;
    const char *strtab = NULL;
    const ElfW(Rela) *jmprel = NULL;
    const ElfW(Rela) *rela = NULL;
    size_t jmprel_size = 0;
    size_t rela_size = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        switch (dyn->d_tag) {
            case DT_SYMTAB: symtab = (const ElfW(Sym) *) absolute(base, dyn->d_un.d_ptr); break;
            case DT_STRTAB: strtab = (const char *) absolute(base, dyn->d_un.d_ptr); break;
            case DT_JMPREL: jmprel = (const ElfW(Rela) *) absolute(base, dyn->d_un.d_ptr); break;
            case DT_PLTRELSZ: jmprel_size = dyn->d_un.d_val; break;
            case DT_RELA: rela = (const ElfW(Rela) *) absolute(base, dyn->d_un.d_ptr); break;
            case DT_RELASZ: rela_size = dyn->d_un.d_val; break;
            default: break;
        }
    }
    if (symtab == NULL || strtab == NULL) {
        return 0;
    }
    int patched = 0;
    if (jmprel != NULL) {
        patched += patch_table(base, jmprel, jmprel_size / sizeof(ElfW(Rela)), symtab, strtab, patches, n);
    }
    if (rela != NULL) {
        patched += patch_table(base, rela, rela_size / sizeof(ElfW(Rela)), symtab, strtab, patches, n);
    }
    return patched;
}
