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

    /** What the handle refers to. */
    final Referent referent = new Referent();
    /** Where and when it happened. */
    final Site site = new Site();
    /** For a CLOSE: run by the GC's cleaner, not by the program. */
    boolean reclaimed;
    /** For a CLOSE or BAD_REFERENCE: whether the open of the handle is known (the fields below). */
    boolean hasOpened;

    final Site opened = new Site();
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
        referent.clear();
        site.clear();
        reclaimed = false;
        hasOpened = false;
        opened.clear();
        previous = null;
    }

    /** @param r the handle whose open this trace refers to */
    void openedFrom(HandleRecord r) {
        hasOpened = true;
        opened.set(r.opened);
    }

    /** @param close a CLOSE of the same handle: its knowledge of where the handle was opened, if any, becomes this trace's */
    void openedFrom(Trace close) {
        hasOpened = close.hasOpened;
        opened.set(close.opened);
    }

    /** @return a copy that reuse of this slot leaves alone */
    Trace copy() {
        Trace c = new Trace();
        c.seq = seq;
        c.type = type;
        c.fd = fd;
        c.generation = generation;
        c.referent.set(referent);
        c.site.set(site);
        c.reclaimed = reclaimed;
        c.openedFrom(this);
        c.previous = previous;
        return c;
    }
}
