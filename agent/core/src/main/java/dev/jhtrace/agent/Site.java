package dev.jhtrace.agent;

/**
 * Where and when something happened to a handle: the thread, the wall-clock time and the stack (the native
 * module's interned id, or a Java-captured one). The analyzer keeps one for every handle's open and every trace,
 * copied as a unit ({@link #setSite(Site)}) into slots made once, so that an open or a close costs the analyzer no
 * allocation.
 *
 * <p>The superclass of {@link Referent}, so of {@link HandleRecord} (where the handle open under its number was
 * opened) and {@link Trace} (where the traced event happened): its fields then cost no object of their own, 32
 * bytes and a reference twice over for every open handle. A trace's second site (where a closed or misused handle
 * was opened) is an object, made only for the traces that need it.
 */
class Site {
    /** The thread's name. */
    String thread;
    /** Wall-clock milliseconds. */
    long timeMillis;
    /** The native module's interned stack, or 0 when {@link #javaStack} holds it. */
    int stackId;
    /** The Java-captured stack, or null. */
    CapturedStack javaStack;

    /** @param other the site to copy */
    final void setSite(Site other) {
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
    final void setSite(String thread, long timeMillis, int stackId, CapturedStack javaStack) {
        // stored only when they differ: a reference stored into the analyzer's long-lived objects costs G1 a card
        // to mark and refine, and the thread is most often the one the slot held already
        if (this.thread != thread) {
            this.thread = thread;
        }
        this.timeMillis = timeMillis;
        this.stackId = stackId;
        if (this.javaStack != javaStack) {
            this.javaStack = javaStack;
        }
    }

    /**
     * Forgets the stack (a Java-captured one holds the program's classes, and so their class loaders, alive); the
     * thread's name stays, for the next use to find there.
     */
    final void forgetStack() {
        stackId = 0;
        if (javaStack != null) {
            javaStack = null;
        }
    }
}
