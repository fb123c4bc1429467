/*
 * The JNI face of the control channel (control_socket.c), for dev.jhtrace.agent.ControlSocket: byte arrays
 * in and out, the blocking waits bounded by the timeouts the Java side passes.
 */
#define _GNU_SOURCE
#include "control_jni.h"
#include "control_socket.h"

#include <stdlib.h>
#include <unistd.h>

#define MAX_IO 65536

static jint JNICALL cs_listen0(JNIEnv *env, jclass cls, jstring dir, jstring name) {
    (void) cls;
    const char *d = (*env)->GetStringUTFChars(env, dir, NULL);
    const char *n = d == NULL ? NULL : (*env)->GetStringUTFChars(env, name, NULL);
    int r = n == NULL ? -12 /* ENOMEM */ : jh_ctl_listen(d, n);
    if (n != NULL) {
        (*env)->ReleaseStringUTFChars(env, name, n);
    }
    if (d != NULL) {
        (*env)->ReleaseStringUTFChars(env, dir, d);
    }
    return r;
}

static jint JNICALL cs_accept0(JNIEnv *env, jclass cls, jint fd, jint timeout, jintArray peer) {
    (void) cls;
    uint32_t uid = 0;
    int c = jh_ctl_accept(fd, timeout, &uid);
    if (c >= 0) {
        jint value = (jint) uid;
        (*env)->SetIntArrayRegion(env, peer, 0, 1, &value);
    }
    return c;
}

static jint JNICALL cs_shutdown0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return jh_ctl_shutdown(fd);
}

static jint JNICALL cs_read0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len, jint timeout) {
    (void) cls;
    char chunk[MAX_IO];
    if (len > MAX_IO) {
        len = MAX_IO;
    }
    if (len <= 0 || off < 0) {
        return 0;
    }
    int n = jh_ctl_read(fd, chunk, len, timeout);
    if (n > 0) {
        (*env)->SetByteArrayRegion(env, buf, off, n, (const jbyte *) chunk);
    }
    return n;
}

static jint JNICALL cs_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len, jint timeout) {
    (void) cls;
    char chunk[MAX_IO];
    int done = 0;
    while (done < len) {
        int n = len - done > MAX_IO ? MAX_IO : len - done;
        (*env)->GetByteArrayRegion(env, buf, off + done, n, (jbyte *) chunk);
        int w = jh_ctl_write(fd, chunk, n, timeout);
        if (w < 0) {
            return w;
        }
        done += w;
    }
    return done;
}

static jint JNICALL cs_close0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return jh_ctl_close(fd);
}

static jint unlink_with(JNIEnv *env, jstring dir, jstring name, int stale_only) {
    const char *d = (*env)->GetStringUTFChars(env, dir, NULL);
    const char *n = d == NULL ? NULL : (*env)->GetStringUTFChars(env, name, NULL);
    int r = n == NULL ? -12 : stale_only ? jh_ctl_unlink_stale(d, n) : jh_ctl_unlink(d, n);
    if (n != NULL) {
        (*env)->ReleaseStringUTFChars(env, name, n);
    }
    if (d != NULL) {
        (*env)->ReleaseStringUTFChars(env, dir, d);
    }
    return r;
}

static jint JNICALL cs_unlink0(JNIEnv *env, jclass cls, jstring dir, jstring name) {
    (void) cls;
    return unlink_with(env, dir, name, 0);
}

static jint JNICALL cs_unlinkStale0(JNIEnv *env, jclass cls, jstring dir, jstring name) {
    (void) cls;
    return unlink_with(env, dir, name, 1);
}

static jint JNICALL cs_euid0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jint) geteuid();
}

static JNINativeMethod METHODS[] = {
    {"listen0", "(Ljava/lang/String;Ljava/lang/String;)I", (void *) cs_listen0},
    {"accept0", "(II[I)I", (void *) cs_accept0},
    {"shutdown0", "(I)I", (void *) cs_shutdown0},
    {"unlinkStale0", "(Ljava/lang/String;Ljava/lang/String;)I", (void *) cs_unlinkStale0},
    {"read0", "(I[BIII)I", (void *) cs_read0},
    {"write0", "(I[BIII)I", (void *) cs_write0},
    {"close0", "(I)I", (void *) cs_close0},
    {"unlink0", "(Ljava/lang/String;Ljava/lang/String;)I", (void *) cs_unlink0},
    {"euid0", "()I", (void *) cs_euid0},
};

int jh_control_register(JNIEnv *env) {
    jclass cls = (*env)->FindClass(env, "dev/jhtrace/agent/control/ControlSocket");
    if (cls == NULL) {
        return -1;
    }
    return (*env)->RegisterNatives(env, cls, METHODS, sizeof(METHODS) / sizeof(METHODS[0])) == 0 ? 0 : -1;
}
