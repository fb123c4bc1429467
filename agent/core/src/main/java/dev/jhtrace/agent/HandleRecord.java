package dev.jhtrace.agent;

/**
 * One descriptor number's slot in the analyzer's handle table: the handle open under that number now, if any,
 * and the last CLOSE of it.
 *
 * <p>Slots are made once per number and reused by every later handle that gets the number, so that opening
 * and closing costs the analyzer no allocation: a trace keeps copies of what it needs, never the slot.
 */
final class HandleRecord extends Referent {
    final int fd;
    /** Uses of this number so far: the next OPEN is generation {@code uses + 1}. */
    int uses;

    boolean open;
    int generation;
    /** {@link System#nanoTime()} of the open, to tell a late-arriving event about an earlier use of the number. */
    long openedNanos;
    /** Opened by the agent itself. */
    boolean agent;
    /** The last CLOSE of this number, valid while its {@link Trace#seq} still equals {@link #lastCloseSeq}. */
    Trace lastClose;

    long lastCloseSeq;
    /** On a copy in the reclaimed list: how many handles had been reclaimed before it. */
    long reclaimedIndex;
    /** Identity of the {@link java.io.FileDescriptor} object of the open, or 0: what a later bad reference names. */
    int descriptorId;
    /** The {@link DropLedger} count for this number as the producer of the OPEN read it. */
    int dropsAtOpen;
    /** On a copy for a report: no event for this number was dropped since the open, so the record is this handle's. */
    boolean vouched;
    /** On a copy for a report: open at the last snapshot. */
    boolean inSnapshot;

    HandleRecord(int fd) {
        this.fd = fd;
    }

    /** @return the last CLOSE of this number, or {@code null} if none or its trace slot was reused since */
    Trace lastClose() {
        Trace t = lastClose;
        return t != null && t.seq == lastCloseSeq ? t : null;
    }

    /** @return a copy that later uses of the number leave alone (for the reclaimed list) */
    HandleRecord copy() {
        HandleRecord c = new HandleRecord(fd);
        c.uses = uses;
        c.open = open;
        c.generation = generation;
        c.setReferent(this);
        c.setSite(this);
        c.openedNanos = openedNanos;
        c.agent = agent;
        c.dropsAtOpen = dropsAtOpen;
        c.descriptorId = descriptorId;
        c.reclaimedIndex = reclaimedIndex;
        return c;
    }
}
