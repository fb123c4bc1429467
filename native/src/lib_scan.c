#define _GNU_SOURCE
#include "lib_scan.h"

#include "elf_got.h"
#include "fd_hooks.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <string.h>

#define MAX_OBJECTS 1024
#define MAX_OBJECT_PATH 512

typedef struct {
    ElfW(Addr) base;
    const ElfW(Phdr) *phdrs;
    ElfW(Half) phnum;
    int kind; /* 0 skip, 1 descriptor hooks, 2 loader hooks only (libjvm) */
    char path[MAX_OBJECT_PATH]; /* dlpi_name is valid only inside the callback */
} object;

static char g_java_home[4096];
/* The directory of the C library in use, with its slash: its neighbours are system libraries wherever it lives. */
static char g_libc_dir[1024];
static ElfW(Addr) g_self_base;
static void *(*real_dlopen)(const char *, int);
static void *(*real_dlsym)(void *, const char *);
static pthread_mutex_t g_scan_lock = PTHREAD_MUTEX_INITIALIZER;

static void *jh_dlopen(const char *file, int mode) {
    void *handle = real_dlopen(file, mode);
    if (handle != NULL) {
        jh_scan_all(); /* a new library may import what we hook */
    }
    return handle;
}

static void *jh_dlsym(void *handle, const char *name) {
    return jh_hooks_dlsym_answer(name, real_dlsym(handle, name));
}

static const jh_import_patch LOADER_PATCHES[] = {{"dlopen", (void *) jh_dlopen}, {"dlsym", (void *) jh_dlsym}};

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int classify(const char *path, ElfW(Addr) base) {
    if (path == NULL || path[0] == '\0' || base == g_self_base) {
        return 0; /* the main executable (the java launcher) or jhtrace itself */
    }
    const char *name = base_name(path);
    static const char *const system[] = {"libc.so", "ld-linux", "ld64.so", "libpthread.so", "libdl.so", "librt.so",
                                         "libm.so", "linux-vdso", "linux-gate"};
    for (size_t i = 0; i < sizeof(system) / sizeof(system[0]); i++) {
        if (starts_with(name, system[i])) {
            return 0;
        }
    }
    if (g_java_home[0] != '\0' && starts_with(path, g_java_home)) {
        return strcmp(name, "libjvm.so") == 0 ? 2 : 0;
    }
    /* the JVM itself may call system libraries (NSS modules via getpwuid) in VM state: no stack walks there */
    if (g_libc_dir[0] != '\0' && starts_with(path, g_libc_dir) && strchr(path + strlen(g_libc_dir), '/') == NULL) {
        return 0;
    }
    static const char *const system_dirs[] = {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/lib32/", "/usr/lib32/"};
    for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++) {
        if (starts_with(path, system_dirs[i])) {
            return 0;
        }
    }
    return 1;
}

typedef struct {
    object objects[MAX_OBJECTS];
    int count;
} object_list;

static int collect(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    object_list *list = data;
    int kind = classify(info->dlpi_name, info->dlpi_addr);
    if (kind != 0 && list->count < MAX_OBJECTS && strlen(info->dlpi_name) < MAX_OBJECT_PATH) {
        object *o = &list->objects[list->count++];
        o->base = info->dlpi_addr;
        o->phdrs = info->dlpi_phdr;
        o->phnum = info->dlpi_phnum;
        o->kind = kind;
        strcpy(o->path, info->dlpi_name);
    }
    return 0;
}

int jh_scan_init(const char *java_home) {
    strncpy(g_java_home, java_home != NULL ? java_home : "", sizeof(g_java_home) - 1);
    Dl_info self;
    if (dladdr((void *) jh_scan_init, &self) != 0) {
        g_self_base = (ElfW(Addr)) self.dli_fbase;
    }
    Dl_info libc;
    if (dladdr((void *) strlen, &libc) != 0 && libc.dli_fname != NULL) {
        const char *slash = strrchr(libc.dli_fname, '/');
        size_t n = slash != NULL ? (size_t) (slash - libc.dli_fname) + 1 : 0;
        if (n > 0 && n < sizeof(g_libc_dir)) {
            memcpy(g_libc_dir, libc.dli_fname, n);
            g_libc_dir[n] = '\0';
        }
    }
    real_dlopen = dlsym(RTLD_DEFAULT, "dlopen");
    real_dlsym = dlsym(RTLD_DEFAULT, "dlsym");
    return real_dlopen != NULL && real_dlsym != NULL ? 0 : -1;
}

int jh_scan_all(void) {
    static object_list list; /* big: keep it off the stack; guarded by the lock */
    int patched = 0;
    pthread_mutex_lock(&g_scan_lock);
    list.count = 0;
    dl_iterate_phdr(collect, &list);
    for (int i = 0; i < list.count; i++) {
        object *o = &list.objects[i];
        /* dl_iterate_phdr has returned: nothing stops a dlclose on another thread (JNA, a class loader going away)
         * from unmapping the library while its import table is written. A reference of our own pins it; a library
         * already gone (or another one mapped at a new address under the name) is skipped. */
        void *pin = real_dlopen(o->path, RTLD_LAZY | RTLD_NOLOAD);
        if (pin == NULL) {
            continue;
        }
        struct link_map *map = NULL;
        if (dlinfo(pin, RTLD_DI_LINKMAP, &map) == 0 && map != NULL && map->l_addr == o->base) {
            int n = jh_patch_imports(o->base, o->phdrs, o->phnum, LOADER_PATCHES, 2);
            if (o->kind == 1) {
                int m = jh_patch_imports(o->base, o->phdrs, o->phnum, jh_fd_patches, jh_fd_patch_count);
                n = n < 0 ? m : n + (m > 0 ? m : 0);
            }
            patched += n > 0 ? n : 0;
        }
        dlclose(pin);
    }
    pthread_mutex_unlock(&g_scan_lock);
    return patched;
}
