/* Registers the control channel's native methods on dev.jhtrace.agent.ControlSocket (from JNI_OnLoad). */
#ifndef JH_CONTROL_JNI_H
#define JH_CONTROL_JNI_H

#include <jni.h>

/* Returns 0, or -1 with a pending exception when the class or a method is missing. */
int jh_control_register(JNIEnv *env);

#endif
