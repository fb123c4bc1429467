package dev.jhtrace.agent.jni;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what the native module records (JVMTI method ids and bytecode indexes) into {@link StackTraceElement}s,
 * off the application threads, with one cache of method names for the analyzer and the native drain.
 */
public final class NativeFrames {
    private static final Map<Long, Method> METHODS = new ConcurrentHashMap<>();
    private static final StackTraceElement[] NONE = new StackTraceElement[0];

    private NativeFrames() {}

    /**
     * @param id a stack interned by the native module
     * @return its frames, innermost first
     */
    public static StackTraceElement[] resolve(int id) {
        long[] pairs = NativeHooks.stackFrames0(id);
        if (pairs == null) {
            return NONE;
        }
        StackTraceElement[] frames = new StackTraceElement[pairs.length / 2];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame(pairs[2 * i], pairs[2 * i + 1]);
        }
        return frames;
    }

    /**
     * @param method   a JVMTI method id
     * @param location its bytecode index
     * @return the frame
     */
    public static StackTraceElement frame(long method, long location) {
        // not computeIfAbsent(method, Method::of): a lambda is a class spun at start-up, where this first runs
        Method m = METHODS.get(method);
        if (m == null) {
            Method resolved = Method.of(method);
            m = METHODS.putIfAbsent(method, resolved);
            if (m == null) {
                m = resolved;
            }
        }
        return new StackTraceElement(
                null, m.module, null, m.cls, m.name, m.file, location < 0 ? -2 : NativeHooks.line0(method, location));
    }

    /** What is known of a method id: names resolved once. */
    private record Method(String module, String cls, String name, String file) {
        static Method of(long id) {
            Object[] m = NativeHooks.method0(id);
            if (m == null) {
                return new Method(null, "?", "?", null);
            }
            String signature = m[0] == null ? "L?;" : (String) m[0];
            String cls = signature.startsWith("L") && signature.endsWith(";")
                    ? signature.substring(1, signature.length() - 1).replace('/', '.')
                    : signature;
            // Java's own stack traces name the module of JDK classes ("java.base/"); do the same
            String module = m[3] instanceof Class<?> c && c.getModule().isNamed()
                    ? c.getModule().getName()
                    : null;
            return new Method(module, cls, m[1] == null ? "?" : (String) m[1], (String) m[2]);
        }
    }
}
