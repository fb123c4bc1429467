/*
 * Java names for the threads native events come from. The hook keeps the kernel's name (PR_GET_NAME: the Java
 * name cut at 15 bytes, "java" for main, whatever a native attach set) and the thread's JNIEnv address; the drain
 * asks here, on its own thread, which live Java thread has that JNIEnv.
 *
 * How without reading VM memory: java.lang.Thread's eetop field holds the address of the VM's thread structure,
 * and the JNIEnv sits at a fixed offset inside it (one per VM build), measured on the calling thread, whose JNIEnv
 * and eetop are both known. Only numbers are compared; nothing at those addresses is read.
 */
#ifndef JHTRACE_JAVA_THREADS_H
#define JHTRACE_JAVA_THREADS_H

#include <jni.h>
#include <jvmti.h>

/* The JVM's live platform threads as a java.lang.Thread[], or NULL (a pending exception, or none when JVMTI failed). */
jobjectArray jh_java_threads(jvmtiEnv *jvmti, JNIEnv *env);

/*
 * For each of threads, the JNIEnv address its native events carry (0 for a thread that has ended); NULL when
 * this VM's layout does not allow telling (no eetop field, an implausible offset).
 */
jlongArray jh_thread_envs(jvmtiEnv *jvmti, JNIEnv *env, jobjectArray threads);

#endif
