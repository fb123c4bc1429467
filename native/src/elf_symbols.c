/* Symbol lookup in a library's file: every offset read from the file is checked against its size first. */
#define _GNU_SOURCE
#include "elf_symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Libraries kept mapped: a report resolves the frames of a handful of libraries, many times each. */
#define CACHED_FILES 8

typedef struct {
    char path[512];
    const unsigned char *data;
    size_t size;
    /* the file as it was mapped: a library replaced since (an upgrade in place) is mapped again */
    dev_t device;
    ino_t inode;
    struct timespec modified;
} mapped_file;

static mapped_file cache[CACHED_FILES];
static unsigned next_victim;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 when [offset, offset + length) lies within a file of size bytes. */
static int within(size_t size, uint64_t offset, uint64_t length) {
    return offset <= size && length <= size - offset;
}

static int same_file(const mapped_file *m, const struct stat *st) {
    return m->device == st->st_dev && m->inode == st->st_ino && m->size == (size_t) st->st_size &&
           m->modified.tv_sec == st->st_mtim.tv_sec && m->modified.tv_nsec == st->st_mtim.tv_nsec;
}

static const mapped_file *map_file(const char *path) {
    struct stat now;
    int known = stat(path, &now) == 0;
    for (int i = 0; i < CACHED_FILES; i++) {
        if (cache[i].data != NULL && strcmp(cache[i].path, path) == 0) {
            if (known && same_file(&cache[i], &now)) {
                return &cache[i];
            }
            munmap((void *) cache[i].data, cache[i].size); /* changed since: its old mapping may fault or lie */
            cache[i].data = NULL;
        }
    }
    if (strlen(path) >= sizeof(cache[0].path)) {
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    void *data = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t) sizeof(Elf64_Ehdr)) {
        data = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd); /* the mapping stays valid without the descriptor */
    if (data == MAP_FAILED) {
        return NULL;
    }
    mapped_file *slot = &cache[next_victim++ % CACHED_FILES];
    if (slot->data != NULL) {
        munmap((void *) slot->data, slot->size);
    }
    strcpy(slot->path, path);
    slot->data = data;
    slot->size = (size_t) st.st_size;
    slot->device = st.st_dev;
    slot->inode = st.st_ino;
    slot->modified = st.st_mtim;
    return slot;
}

/* The function of one symbol table (of type SHT_SYMTAB or SHT_DYNSYM) that holds vaddr. */
static jh_sym_result find_in(const mapped_file *m, const Elf64_Ehdr *eh, uint32_t type, uint64_t vaddr, char *name,
                             size_t cap, uintptr_t *offset) {
    const Elf64_Shdr *sections = (const Elf64_Shdr *) (m->data + eh->e_shoff);
    jh_sym_result result = JH_SYM_UNREADABLE;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *table = &sections[i];
        if (table->sh_type != type || table->sh_entsize != sizeof(Elf64_Sym) || table->sh_link >= eh->e_shnum ||
            table->sh_offset % _Alignof(Elf64_Sym) != 0 || !within(m->size, table->sh_offset, table->sh_size)) {
            continue;
        }
        const Elf64_Shdr *strings = &sections[table->sh_link];
        if (!within(m->size, strings->sh_offset, strings->sh_size)) {
            continue;
        }
        result = JH_SYM_NONE;
        const Elf64_Sym *symbols = (const Elf64_Sym *) (m->data + table->sh_offset);
        size_t count = table->sh_size / sizeof(Elf64_Sym);
        for (size_t s = 0; s < count; s++) {
            const Elf64_Sym *sym = &symbols[s];
            if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_shndx == SHN_UNDEF || sym->st_size == 0 ||
                vaddr < sym->st_value || vaddr - sym->st_value >= sym->st_size) {
                continue;
            }
            if (sym->st_name >= strings->sh_size) {
                return JH_SYM_NONE;
            }
            const char *text = (const char *) (m->data + strings->sh_offset + sym->st_name);
            size_t room = strings->sh_size - sym->st_name;
            size_t length = strnlen(text, room);
            if (length == room || cap == 0) {
                return JH_SYM_NONE; /* not terminated within its table */
            }
            if (length >= cap) {
                length = cap - 1;
            }
            memcpy(name, text, length);
            name[length] = '\0';
            *offset = (uintptr_t) (vaddr - sym->st_value);
            return JH_SYM_FOUND;
        }
    }
    return result;
}

static jh_sym_result lookup(const mapped_file *m, uintptr_t map_start, uintptr_t address, char *name, size_t cap,
                            uintptr_t *offset) {
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *) m->data;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !within(m->size, eh->e_phoff, (uint64_t) eh->e_phnum * sizeof(Elf64_Phdr)) ||
        !within(m->size, eh->e_shoff, (uint64_t) eh->e_shnum * sizeof(Elf64_Shdr)) || eh->e_shnum == 0 ||
        eh->e_phoff % _Alignof(Elf64_Phdr) != 0 || eh->e_shoff % _Alignof(Elf64_Shdr) != 0) {
        return JH_SYM_UNREADABLE;
    }
    /* the loader maps the lowest loadable segment, page-aligned, at map_start */
    const Elf64_Phdr *phdrs = (const Elf64_Phdr *) (m->data + eh->e_phoff);
    uint64_t lowest = UINT64_MAX;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (phdrs[i].p_type == PT_LOAD && phdrs[i].p_vaddr < lowest) {
            lowest = phdrs[i].p_vaddr;
        }
    }
    if (lowest == UINT64_MAX || address < map_start) {
        return JH_SYM_UNREADABLE;
    }
    long page = sysconf(_SC_PAGESIZE);
    uint64_t vaddr = (uint64_t) (address - map_start) + (lowest & ~(uint64_t) (page > 0 ? page - 1 : 4095));
    jh_sym_result r = find_in(m, eh, SHT_SYMTAB, vaddr, name, cap, offset);
    return r != JH_SYM_UNREADABLE ? r : find_in(m, eh, SHT_DYNSYM, vaddr, name, cap, offset);
}

jh_sym_result jh_elf_symbolize(const char *path, uintptr_t map_start, uintptr_t address, char *name, size_t cap,
                               uintptr_t *offset) {
    if (path == NULL || name == NULL || offset == NULL) {
        return JH_SYM_UNREADABLE;
    }
    pthread_mutex_lock(&cache_lock);
    const mapped_file *m = map_file(path);
    jh_sym_result r = m != NULL ? lookup(m, map_start, address, name, cap, offset) : JH_SYM_UNREADABLE;
    pthread_mutex_unlock(&cache_lock);
    return r;
}
