package dev.jhtrace.agent;

/**
 * One recorded stack trace: an OPEN, CLOSE or BAD_REFERENCE of one handle.
 *
 * <p>A slot of the {@link TraceDatabase}, filled in place and reused once the database is full (the oldest
 * trace gives way), so recording costs no allocation. Whoever keeps a trace beyond that is told when it gives way
 * ({@link TraceDatabase.GiveWay}), or keeps a {@link #copy()}.
 *
 * <p>A number's newest OPEN is also the analyzer's entry for that number (its handle table holds it): the handle
 * open under the number now, if {@link #open}, and the number's last CLOSE ({@link #previous}). One object per open
 * handle rather than a slot and a trace holding the same data: that was 96 bytes more per open handle. When such an
 * entry's turn comes to give way in the database it leaves the database and stays the number's entry
 * ({@link #inDatabase} false); an entry made without the database (the agent's own handle, or {@code max=0}) is
 * never in it.
 */
final class Trace extends Referent {
    TraceType type;
    /** The handle value (-1 for a bad reference to a handle never seen). */
    int fd;
    /** Which use of that number (incremented at every OPEN of it); 0 when not known. */
    int generation;

    /** For a CLOSE: run by the GC's cleaner, not by the program. */
    boolean reclaimed;
    /**
     * For a CLOSE or BAD_REFERENCE: where the handle was opened, or {@code null} when not known. The analyzer's
     * traces take it from the database's spare sites ({@link TraceDatabase#giveSite}), which takes it back whenever a
     * trace is reused: an OPEN is its own site, and a program's open handles would each carry 32 bytes for nothing.
     */
    Site opened;
    /**
     * For a BAD_REFERENCE: a copy of the handle's last CLOSE, or {@code null}. For the number's entry (the trace the
     * handle table holds): the number's last CLOSE while that trace is in the database, or {@code null}.
     */
    Trace previous;

    /** {@link System#nanoTime()} of the event: tells a late-arriving event about an earlier use of the number. */
    long nanos;
    /** For an OPEN: the {@link DropLedger} count for its number as the producer read it. */
    int dropsAtOpen;
    /**
     * For an OPEN, identity of its {@link java.io.FileDescriptor} object (what a later bad reference names); for a
     * CLOSE, the identity it is remembered under among the recent closes. 0 when none.
     */
    int descriptorId;
    /** For an OPEN: a handle of the agent's own. */
    boolean agent;
    /** For a number's entry: its handle is open now. */
    boolean open;
    /** A slot of the database (not an entry that left it, nor one made without it). */
    boolean inDatabase;

    /** @return what happened */
    TraceType type() {
        return type;
    }

    /** @return the handle value */
    int fd() {
        return fd;
    }

    /** Forgets the previous content of a reused slot but its {@link #opened} object, which the database takes back. */
    void clear() {
        // the type, the kind, the path and the thread's name stay (every trace made in the slot sets them, most often
        // to what it held: a reference stored costs G1 a card, see Site#setSite)
        fd = 0;
        generation = 0;
        timeMillis = 0;
        stackId = 0;
        if (javaStack != null) {
            javaStack = null;
        }
        if (opened != null) {
            opened.forgetStack(); // the object stays for reuse, the program's stack does not
        }
        reclaimed = false;
        if (previous != null) {
            previous = null;
        }
        nanos = 0;
        dropsAtOpen = 0;
        descriptorId = 0;
        agent = false;
        open = false;
    }

    /** @return whether the open of the handle is known ({@link #opened}) */
    boolean hasOpened() {
        return opened != null;
    }

    /** @param where where the handle this trace refers to was opened (its OPEN) */
    void openedAt(Site where) {
        opened().setSite(where);
    }

    /**
     * @param close a CLOSE of the same handle: its knowledge of where the handle was opened, if any, becomes this
     *     trace's (which knows none yet)
     */
    void openedFrom(Trace close) {
        if (close.opened != null) {
            opened().setSite(close.opened);
        }
    }

    private Site opened() {
        if (opened == null) {
            opened = new Site(); // a copy for a report; the analyzer gives its traces one first
        }
        return opened;
    }

    /** @return a copy that reuse of this slot leaves alone, for a report (an entry's last CLOSE is not part of it) */
    Trace copy() {
        Trace c = new Trace();
        c.type = type;
        c.fd = fd;
        c.generation = generation;
        c.setReferent(this);
        c.setSite(this);
        c.reclaimed = reclaimed;
        c.openedFrom(this);
        c.previous = type == TraceType.BAD_REFERENCE ? previous : null;
        c.nanos = nanos;
        return c;
    }
}
