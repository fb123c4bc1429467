#include "java_threads.h"

#include <stdint.h>

/* The farthest a JNIEnv can sit from the start of HotSpot's JavaThread (it is a few hundred bytes in). */
#define MAX_ENV_OFFSET 65536

jobjectArray jh_java_threads(jvmtiEnv *jvmti, JNIEnv *env) {
    jint count = 0;
    jthread *threads = NULL;
    if (jvmti == NULL || (*jvmti)->GetAllThreads(jvmti, &count, &threads) != JVMTI_ERROR_NONE) {
        return NULL;
    }
    jclass thread_class = (*env)->FindClass(env, "java/lang/Thread");
    jobjectArray result = thread_class != NULL ? (*env)->NewObjectArray(env, count, thread_class, NULL) : NULL;
    for (jint i = 0; i < count; i++) {
        if (result != NULL) {
            (*env)->SetObjectArrayElement(env, result, i, threads[i]);
        }
        (*env)->DeleteLocalRef(env, threads[i]); /* thousands of threads must not exhaust the local frame */
    }
    (*jvmti)->Deallocate(jvmti, (unsigned char *) threads);
    if (result == NULL) {
        (*env)->ExceptionClear(env); /* no room for the array: no census now, never an error in the drain */
    }
    return result;
}

jlongArray jh_thread_envs(jvmtiEnv *jvmti, JNIEnv *env, jobjectArray threads) {
    jclass thread_class = (*env)->FindClass(env, "java/lang/Thread");
    jfieldID eetop = thread_class != NULL ? (*env)->GetFieldID(env, thread_class, "eetop", "J") : NULL;
    if (eetop == NULL) {
        (*env)->ExceptionClear(env); /* a VM without the field: names stay the kernel's */
        return NULL;
    }
    jthread self;
    if (jvmti == NULL || (*jvmti)->GetCurrentThread(jvmti, &self) != JVMTI_ERROR_NONE) {
        return NULL;
    }
    jlong self_top = (*env)->GetLongField(env, self, eetop);
    (*env)->DeleteLocalRef(env, self);
    intptr_t offset = (intptr_t) env - (intptr_t) self_top;
    if (self_top == 0 || offset <= 0 || offset > MAX_ENV_OFFSET) {
        return NULL;
    }
    jsize n = (*env)->GetArrayLength(env, threads);
    jlongArray result = (*env)->NewLongArray(env, n);
    if (result == NULL) {
        (*env)->ExceptionClear(env);
        return NULL;
    }
    for (jsize i = 0; i < n; i++) {
        jobject t = (*env)->GetObjectArrayElement(env, threads, i);
        jlong top = t != NULL ? (*env)->GetLongField(env, t, eetop) : 0;
        jlong value = top != 0 ? (jlong) (top + offset) : 0;
        (*env)->SetLongArrayRegion(env, result, i, 1, &value);
        if (t != NULL) {
            (*env)->DeleteLocalRef(env, t);
        }
    }
    return result;
}
