/* A JNI library for the native-hook tests: it opens and closes descriptors itself, with libc. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <jni.h>
#include <unistd.h>

/* Opens the file a Java string names, read-only. Inlined, so that open() is called from the JNI function itself
 * and the report names that function as the caller. */
static inline __attribute__((always_inline)) int open_path(JNIEnv *env, jstring path) {
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    int fd = open(p, O_RDONLY);
    (*env)->ReleaseStringUTFChars(env, path, p);
    return fd;
}

/* Opens path and never closes it; returns the fd. */
JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_openAndLeak(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    int fd = open_path(env, path);
    return fd;
}

/* Opens path and closes the fd twice, as a buggy library would; returns the fd. */
JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_closeTwice(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    int fd = open_path(env, path);
    close(fd);
    close(fd); /* EBADF: the bug */
    return fd;
}

/* Opens path and closes it properly; returns the fd. */
JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_openAndClose(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    int fd = open_path(env, path);
    close(fd);
    return fd;
}

/* dup2 over a live descriptor (as NIO's pre-close does), then closes both: no bad reference. Returns the target fd. */
JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_dupOverLive(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    int a = open_path(env, path);
    int b = open_path(env, path);
    dup2(a, b);
    close(a);
    close(b);
    return b;
}

/* Opens two adjacent descriptors high up (so that no other open fd lies between them) and closes both with
 * close_range(2); returns the lower one. */
JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_closeRange(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    int a = open_path(env, path);
    int lo = fcntl(a, F_DUPFD, 900);
    int hi = fcntl(a, F_DUPFD, lo + 1);
    close(a);
    if (hi != lo + 1 || close_range((unsigned) lo, (unsigned) hi, 0) != 0) {
        close(lo);
        close(hi);
    }
    return lo;
}

/* fopen and leak one stream, fopen+fclose another, opendir+closedir the file's directory; returns the leaked fd. */
JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_streams(JNIEnv *env, jclass cls, jstring path, jstring dir) {
    (void) cls;
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    const char *d = (*env)->GetStringUTFChars(env, dir, NULL);
    FILE *leaked = fopen(p, "r");
    FILE *closed = fopen(p, "r");
    if (closed != NULL) {
        fclose(closed);
    }
    DIR *listing = opendir(d);
    if (listing != NULL) {
        closedir(listing);
    }
    (*env)->ReleaseStringUTFChars(env, path, p);
    (*env)->ReleaseStringUTFChars(env, dir, d);
    return leaked != NULL ? fileno(leaked) : -1;
}

/* Opens path from a function the library does not export: only its symbol table (.symtab) names it, and a copy
 * stripped of that table names no function here (dladdr would give the exported one before it). */
__attribute__((noinline, visibility("hidden"))) int leaky_hidden_open(const char *p) {
    int fd = open(p, O_RDONLY);
    __asm__ volatile("" ::: "memory"); /* no tail call: the return address stays in this function */
    return fd;
}

JNIEXPORT jint JNICALL Java_dev_jhtrace_it_targets_NativeTarget_openThroughHidden(JNIEnv *env, jclass cls,
                                                                                 jstring path) {
    (void) cls;
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    int fd = leaky_hidden_open(p);
    (*env)->ReleaseStringUTFChars(env, path, p);
    return fd;
}
