package dev.jhtrace.agent;

/**
 * One recorded stack trace: an OPEN, CLOSE or BAD_REFERENCE of one handle.
 *
 * <p>A slot of the {@link TraceDatabase}, filled in place and reused once the database is full (the oldest
 * trace gives way), so recording costs no allocation. Whoever keeps a trace beyond that keeps its {@link #seq}
 * too and checks it, or keeps a {@link #copy()}.
 */
final class Trace extends Referent {
    /** Unique, increasing over the agent's life: tells a reused slot from the trace once recorded there. */
    long seq;

    TraceType type;
    /** The handle value (-1 for a bad reference to a handle never seen). */
    int fd;
    /** Which use of that number (incremented at every OPEN of it). */
    int generation;

    /** For a CLOSE: run by the GC's cleaner, not by the program. */
    boolean reclaimed;
    /** For a CLOSE or BAD_REFERENCE: whether the open of the handle is known (the fields below). */
    boolean hasOpened;

    /**
     * Where the handle was opened, when {@link #hasOpened}; made at the slot's first CLOSE or BAD_REFERENCE and reused
     * by every later one. Not made for an OPEN (it is its own {@link #site}): a program's open handles would each
     * carry 32 bytes for nothing.
     */
    Site opened;
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
        clearReferent();
        clearSite();
        reclaimed = false;
        hasOpened = false;
        if (opened != null) {
            opened.clearSite();
        }
        previous = null;
    }

    /** @param r the handle whose open this trace refers to */
    void openedFrom(HandleRecord r) {
        hasOpened = true;
        opened().setSite(r);
    }

    /** @param close a CLOSE of the same handle: its knowledge of where the handle was opened, if any, becomes this trace's */
    void openedFrom(Trace close) {
        hasOpened = close.hasOpened;
        if (close.hasOpened) {
            opened().setSite(close.opened);
        } else if (opened != null) {
            opened.clearSite();
        }
    }

    private Site opened() {
        if (opened == null) {
            opened = new Site();
        }
        return opened;
    }

    /** @return a copy that reuse of this slot leaves alone */
    Trace copy() {
        Trace c = new Trace();
        c.seq = seq;
        c.type = type;
        c.fd = fd;
        c.generation = generation;
        c.setReferent(this);
        c.setSite(this);
        c.reclaimed = reclaimed;
        c.openedFrom(this);
        c.previous = previous;
        return c;
    }
}
