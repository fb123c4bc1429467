/*
 * The native start: libjhtrace.so loaded with -agentpath starts the agent without java.instrument, which
 * keeps the JVM's archived module graph (a -javaagent turns it off, doubling a small program's start-up).
 *
 * Agent_OnLoad asks for the capabilities and waits for VMInit; there it loads the agent's classes from
 * jhtrace.jar (beside the library, or jar=PATH) in a class loader of their own, under the platform loader, so
 * the application does not see them, and calls dev.jhtrace.agent.JhtraceAgent.nativeStart. Every failure is
 * one line on stderr and tracing off: the JVM always starts.
 */
#ifndef JH_NATIVE_START_H
#define JH_NATIVE_START_H

#include <stddef.h>

/*
 * Splits -agentpath options: copies into jar the value of a jar= option (empty if none) and into rest the
 * other options, in order. Returns 0, or -1 when one does not fit.
 */
int jh_split_start_options(const char *options, char *jar, size_t jar_size, char *rest, size_t rest_size);

/* The jar beside the library at library_path: its directory plus jhtrace.jar. Returns 0, or -1 if too long. */
int jh_jar_beside(const char *library_path, char *jar, size_t size);

/*
 * text into buf (of size at least 8) as one printable line, as the Java side prints untrusted text: control
 * characters and backslashes as \xNN, line separators and bidirectional controls as \uNNNN, so that a hostile path
 * or message cannot forge lines on stderr or reorder what a terminal shows. Cut to fit. Returns buf.
 */
const char *jh_printable(const char *text, char *buf, size_t size);

#endif
