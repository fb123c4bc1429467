/*
 * The JVMTI half of the native start (-agentpath): what java.lang.instrument would otherwise give the agent.
 * The class file load hook (only for the JDK classes the agent hooks: every other class is passed over in C,
 * with no call into Java), retransformation, the loaded classes, and the module functions that open the JDK
 * packages the hooks read. Registered as the native methods of dev.jhtrace.agent.hook.JvmtiInstrumentation.
 */
#ifndef JH_CLASS_HOOKS_H
#define JH_CLASS_HOOKS_H

#include <jni.h>
#include <jvmti.h>

/* The environment the agent was started with; its capabilities are asked for in Agent_OnLoad. */
void jh_class_hooks_init(jvmtiEnv *jvmti);

/* The ClassFileLoadHook callback (the environment's callbacks are set by native_start.c). */
void JNICALL jh_class_file_load(jvmtiEnv *jvmti, JNIEnv *env, jclass redefined, jobject loader, const char *name,
                                jobject domain, jint length, const unsigned char *data, jint *new_length,
                                unsigned char **new_data);

/* Returns 0, or -1 with a pending exception when a method is missing from cls. */
int jh_class_hooks_register(JNIEnv *env, jclass cls);

#endif
