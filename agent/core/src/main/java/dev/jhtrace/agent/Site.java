package dev.jhtrace.agent;

/**
 * Where and when something happened to a handle: the thread, the wall-clock time and the stack (the native
 * module's interned id, or a Java-captured one). The analyzer keeps one for every handle's open and every trace;
 * they are embedded and copied as a unit ({@link #set(Site)}) rather than allocated, so that an open or a close
 * costs the analyzer no allocation.
 */
final class Site {
    /** The thread's name. */
    String thread;
    /** Wall-clock milliseconds. */
    long timeMillis;
    /** The native module's interned stack, or 0 when {@link #javaStack} holds it. */
    int stackId;
    /** The Java-captured stack, or null. */
    CapturedStack javaStack;

    /** @param other the site to copy */
    void set(Site other) {
        thread = other.thread;
        timeMillis = other.timeMillis;
        stackId = other.stackId;
        javaStack = other.javaStack;
    }

    /**
     * @param thread     the thread's name
     * @param timeMillis wall-clock milliseconds
     * @param stackId    the interned stack, or 0
     * @param javaStack  the Java stack, or null
     */
    void set(String thread, long timeMillis, int stackId, CapturedStack javaStack) {
        this.thread = thread;
        this.timeMillis = timeMillis;
        this.stackId = stackId;
        this.javaStack = javaStack;
    }

    /** Forgets it (a reused slot keeps nothing of the program's alive). */
    void clear() {
        set(null, 0, 0, null);
    }
}
