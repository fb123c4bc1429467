/*
 * Decides which loaded libraries get which hooks, and patches them: the descriptor hooks go into every
 * library that is not the JDK's own (whose descriptors the Java hooks already see), not in a system library
 * directory (the JVM may call those in VM state, where walking the Java stack is unsafe), and not jhtrace itself; libjvm gets only dlopen and dlsym, to see libraries loaded later (System.load, JNA's
 * dispatcher) and symbols looked up at run time (JNA, the FFM API).
 */
#ifndef JHTRACE_LIB_SCAN_H
#define JHTRACE_LIB_SCAN_H

/* Remembers the JDK's home (libraries under it are the JDK's) and resolves dlopen/dlsym. Returns 0 or -1. */
int jh_scan_init(const char *java_home);

/* Patches every loaded library that needs it; returns the number of slots patched. Safe to call repeatedly. */
int jh_scan_all(void);

#endif
