package dev.jhtrace.agent;

/**
 * What a report knows of one handle of the program, open or reclaimed: a copy of the number's entry in the
 * analyzer's handle table (its OPEN {@link Trace}), made for the report, with what only a report asks.
 *
 * <p>Made on the analyzer thread when a report copies the table, or when the GC's cleaner closes a handle (the
 * reclaimed list keeps such copies); never changed once handed over.
 */
final class HandleRecord extends Referent {
    final int fd;
    /** Which use of the number. */
    final int generation;
    /** {@link System#nanoTime()} of the open: a report may ask only for handles opened since some time. */
    final long openedNanos;
    /** On a copy in the reclaimed list: how many handles had been reclaimed before it. */
    long reclaimedIndex;
    /** No event for this number was dropped since the open, so the record is this handle's. */
    boolean vouched;
    /** Open at the last snapshot. */
    boolean inSnapshot;

    /** @param open the number's entry, its OPEN */
    HandleRecord(Trace open) {
        this.fd = open.fd;
        this.generation = open.generation;
        this.openedNanos = open.nanos;
        setReferent(open);
        setSite(open);
    }
}
