package dev.jhtrace.agent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what the native module records (JVMTI method ids and bytecode indexes) into {@link StackTraceElement}s,
 * off the application threads, with one cache of method names for the analyzer and the native drain.
 */
final class NativeFrames {
    private static final Map<Long, String[]> METHODS = new ConcurrentHashMap<>();
    private static final StackTraceElement[] NONE = new StackTraceElement[0];

    private NativeFrames() {
    }

    /**
     * @param id a stack interned by the native module
     * @return its frames, innermost first
     */
    static StackTraceElement[] resolve(int id) {
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
    static StackTraceElement frame(long method, long location) {
        String[] m = METHODS.computeIfAbsent(method, NativeHooks::method0);
        if (m == null) {
            return new StackTraceElement("?", "?", null, -1);
        }
        String signature = m[0] == null ? "L?;" : m[0];
        String cls = signature.startsWith("L") && signature.endsWith(";")
                ? signature.substring(1, signature.length() - 1).replace('/', '.') : signature;
        return new StackTraceElement(cls, m[1] == null ? "?" : m[1], m[2], location < 0 ? -2 : NativeHooks.line0(method, location));
    }
}
