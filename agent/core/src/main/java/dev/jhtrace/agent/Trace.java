package dev.jhtrace.agent;

/**
 * One recorded stack trace: an OPEN, CLOSE or BAD_REFERENCE of one handle.
 *
 * <p>A slot of the {@link TraceDatabase}, filled in place and reused once the database is full (the oldest
 * trace gives way), so recording costs no allocation. Whoever keeps a trace beyond that keeps its {@link #seq}
 * too and checks it, or keeps a {@link #copy()}.
 */
final class Trace {
    /** Unique, increasing over the agent's life: tells a reused slot from the trace once recorded there. */
    long seq;
    TraceType type;
    /** The handle value (-1 for a bad reference to a handle never seen). */
    int fd;
    /** Which use of that number (incremented at every OPEN of it). */
    int generation;
    HandleKind kind;
    String description;
    String thread;
    long timeMillis;
    /** The native module's interned stack, or 0 when {@link #javaStack} holds it. */
    int stackId;
    CapturedStack javaStack;
    /** For a CLOSE: run by the GC's cleaner, not by the program. */
    boolean reclaimed;
    /** For a CLOSE or BAD_REFERENCE: whether the open of the handle is known (the fields below). */
    boolean hasOpened;
    String openedThread;
    long openedAt;
    int openedStackId;
    CapturedStack openedJavaStack;
    /** For a BAD_REFERENCE: a copy of the handle's last CLOSE, or {@code null}. */
    Trace previous;

    /** @return what happened */
    TraceType type() {
        return type;
    }

    /** @return the handle value */
    int fd() {
        return fd;
    }

    /** Forgets the previous content of a reused slot. */
    void clear() {
        type = null;
        kind = null;
        description = null;
        thread = null;
        javaStack = null;
        reclaimed = false;
        hasOpened = false;
        openedThread = null;
        openedJavaStack = null;
        previous = null;
    }

    /** @param r the handle whose open this trace refers to */
    void openedFrom(HandleRecord r) {
        hasOpened = true;
        openedThread = r.thread;
        openedAt = r.openedAt;
        openedStackId = r.stackId;
        openedJavaStack = r.javaStack;
    }

    /** @param close a CLOSE of the same handle: its knowledge of where the handle was opened, if any, becomes this trace's */
    void openedFrom(Trace close) {
        hasOpened = close.hasOpened;
        openedThread = close.openedThread;
        openedAt = close.openedAt;
        openedStackId = close.openedStackId;
        openedJavaStack = close.openedJavaStack;
    }

    /** @return a copy that reuse of this slot leaves alone */
    Trace copy() {
        Trace c = new Trace();
        c.seq = seq;
        c.type = type;
        c.fd = fd;
        c.generation = generation;
        c.kind = kind;
        c.description = description;
        c.thread = thread;
        c.timeMillis = timeMillis;
        c.stackId = stackId;
        c.javaStack = javaStack;
        c.reclaimed = reclaimed;
        c.openedFrom(this);
        c.previous = previous;
        return c;
    }
}
