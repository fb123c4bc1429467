package dev.jhtrace.agent;

import com.lmax.disruptor.EventHandler;
import java.lang.ref.Reference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The single consumer of the ring. It owns all handle state, so none of it needs a lock: the handle table
 * (each descriptor number's newest OPEN trace, with a generation so that a reused number never mixes two
 * handles), the trace database (the newest {@code maxTraces} traces), handles the GC reclaimed, and recent
 * closes by descriptor object (to name the handle a bad reference used).
 *
 * <p>An open handle costs one object: its OPEN trace is the table's entry for its number, and stays it when its
 * turn comes to give way in the trace database (it then leaves the database, {@link TraceDatabase.GiveWay}). A
 * CLOSE that gives way is forgotten where it was remembered (the number's last close, the recent closes), so no one
 * mistakes the trace that reuses its slot for it.
 *
 * <p>In a steady state (numbers seen before, trace database full) an event costs no allocation: traces are reused,
 * stacks are ints interned by the native module and resolved only for reports. A report
 * starts as a command in the ring, so it is exact with respect to every event published before it, but the command
 * only copies the state it needs ({@link #copy}): the report is built from the copy on the asking thread
 * ({@link ReportBuilder}), and the ring keeps moving.
 *
 * <p>Dropped events are accounted for by number ({@link DropLedger}): a handle whose number had an event dropped
 * after its open is not vouched for, because its close and another handle's open may be among the lost.
 */
public final class Analyzer implements EventHandler<HandleEvent> {
    /** Recent closes remembered by descriptor object; direct-mapped, so a newer close may evict an older one. */
    private static final int RECENT_CLOSES = 4096;

    private static final int MAX_RECLAIMED = 10_000;

    /** Each number's entry: its newest OPEN (open now or not), or a placeholder holding its last CLOSE. */
    private Trace[] byFd = new Trace[1024];

    private final TraceDatabase traces;
    private final ArrayDeque<HandleRecord> reclaimed = new ArrayDeque<>();
    private final int[] closeKeys = new int[RECENT_CLOSES];
    /** Forgotten when their trace gives way ({@link #givingWay}): a reused slot is never taken for a recent close. */
    private final Trace[] closeTraces = new Trace[RECENT_CLOSES];

    private final DropLedger ledger;
    /** The drop counters when tracing last (re)started: an untraced number with drops since may be a lost open. */
    private int[] dropBaseline;
    /** Events processed, and events that could not be and were skipped. */
    private long events;

    private long badEvents;
    /** Reclaimed handles that gave way to newer ones (the list keeps the newest {@value #MAX_RECLAIMED}). */
    private long reclaimedEvicted;

    private final Set<Long> snapshot = new HashSet<>();
    private final Set<Integer> snapshotUntraced = new HashSet<>();
    /** Handles reclaimed by the GC so far, and how many had been at the last snapshot (for {@code -diff}). */
    private long reclaimedCount;

    private long snapshotReclaimed;
    /** Wall-clock times of Java events, from their {@link System#nanoTime()}: the hooks read one clock, not two. */
    private final WallClock wallClock = new WallClock();

    private Throwable lastRaw;
    private CapturedStack lastStack;

    /** Told, on the analyzer thread, when the program's open handles first exceed {@code threshold=}. */
    interface ThresholdListener {
        /**
         * @param threshold the limit
         * @param open      the program's open handles now
         */
        void thresholdExceeded(int threshold, int open);
    }

    /** Handles open now that are not the agent's: what {@code threshold=} is compared with. */
    private int programOpen;

    private final OpenTimeline timeline = new OpenTimeline();

    /** The program's open handles by {@link HandleKind} ordinal, for JFR's periodic event (read racily there). */
    private final int[] openByKind = new int[HandleKind.values().length];

    /** Resolves the open stacks of reclaimed handles for their JFR event; made at the first one. */
    private StackResolver jfrStacks;
    /** {@code threshold=}, 0 for none; set by {@link #armThreshold} from any thread. */
    private volatile int threshold;

    private volatile ThresholdListener thresholdListener;
    /** The threshold last exceeded (and told), so that it is told once per arming. */
    private int thresholdTold;

    /**
     * {@link #givingWay} for the trace database. A class, not a method reference: every lambda of the start-up is a
     * class spun at run time (with the JDK's ASM, cold), about a millisecond each before {@code main}.
     */
    private final class TablesGiveWay implements TraceDatabase.GiveWay {
        @Override
        public boolean givingWay(Trace t) {
            return Analyzer.this.givingWay(t);
        }
    }

    Analyzer(int maxTraces, DropLedger ledger) {
        this.traces = new TraceDatabase(maxTraces, new TablesGiveWay());
        this.ledger = ledger;
        this.dropBaseline = ledger.copy();
    }

    @Override
    public void onEvent(HandleEvent e, long sequence, boolean endOfBatch) {
        try {
            if (e.command != null) {
                e.command.run();
            } else if (e.type != null) {
                if (e.timeMillis == 0 && e.nanos != 0) {
                    e.timeMillis = wallClock.millisAt(e.nanos);
                }
                events++;
                process(e);
            }
            if (endOfBatch) {
                wallClock.resync();
            }
        } catch (RuntimeException | LinkageError bad) {
            // one bad event is skipped and counted (reports carry the count); the next is processed as usual
            skipped(e);
            AgentLog.once(
                    "analyzer", "jhtrace: an event could not be processed and is skipped (reports count them): " + bad);
        } finally {
            e.clear();
        }
    }

    private void process(HandleEvent e) {
        int stackId = Math.max(e.traceId, 0);
        CapturedStack javaStack = stackId > 0
                ? null
                : e.stack != null || e.frames == null ? stackOf(e.stack) : CapturedStack.of(e.frames);
        Trace entry = e.fd >= 0 ? entry(e.fd) : null;
        Trace current = entry != null && entry.open ? entry : null;
        // a native event drained late may concern an earlier use of a number a Java hook has seen reused since
        boolean stale = current != null && current.nanos > e.nanos;
        switch (e.type) {
            case OPEN -> {
                if (e.fd < 0) {
                    return;
                }
                if (stale) {
                    // an earlier use than the one open now: traced, with no place among the number's uses
                    Trace t = e.agent ? null : traces.add();
                    if (t != null) {
                        fill(t, TraceType.OPEN, e, 0, null, stackId, javaStack);
                        traces.takeSite(t);
                    }
                    return;
                }
                int gen = (entry != null ? entry.generation : 0) + 1;
                if (current != null && !current.agent) {
                    programOpen--; // its close was not seen (closed by code no hook sees): this open replaces it
                    openByKind[kindIndex(current.kind)]--;
                }
                Trace t = e.agent ? null : traces.add();
                if (t == null) {
                    t = traces.spare(); // the agent's own handle, or no database: the entry alone
                }
                fill(t, TraceType.OPEN, e, gen, null, stackId, javaStack);
                traces.takeSite(t);
                t.agent = e.agent;
                t.dropsAtOpen = e.drops;
                t.descriptorId = e.descriptorId;
                t.open = true;
                byFd[e.fd] = t;
                if (entry != null) {
                    traces.recycle(entry); // reused if it had left the database: no one refers to it now
                }
                if (!e.agent) {
                    programOpened(e.timeMillis, t.kind);
                }
            }
            case CLOSE -> {
                Trace r = stale ? null : current;
                // the identity taken at the open; the descriptor object itself only when the open did not have it (a
                // strong reference to it, even for a moment, can keep a closed stream from the next collection)
                if (r != null && r.descriptorId != 0) {
                    e.descriptorId = r.descriptorId;
                } else if (e.descriptorId == 0) {
                    e.descriptorId = identityOf(e.descriptor); // else the hook took it (see OpenIdentities)
                }
                if (r != null) {
                    r.open = false;
                    if (!r.agent) {
                        timeline.record(e.timeMillis, --programOpen);
                        openByKind[kindIndex(r.kind)]--;
                    }
                }
                if (e.agent || r != null && r.agent) {
                    return; // the agent's own handle: accounted for, not traced
                }
                if (e.reclaimed && r != null) {
                    if (Emitter.jfr) {
                        try {
                            jfrReclaimed(r);
                        } catch (RuntimeException | LinkageError jfrFailed) {
                            AgentLog.once("jfr-reclaimed", "jhtrace: a JFR event failed: " + jfrFailed);
                        }
                    }
                    HandleRecord copy = new HandleRecord(r);
                    copy.reclaimedIndex = reclaimedCount++;
                    reclaimed.addLast(copy);
                    if (reclaimed.size() > MAX_RECLAIMED) {
                        reclaimed.removeFirst();
                        reclaimedEvicted++;
                    }
                }
                Trace t = traces.add();
                if (t == null) {
                    return;
                }
                fill(t, TraceType.CLOSE, e, r != null ? r.generation : 0, r, stackId, javaStack);
                t.reclaimed = e.reclaimed;
                t.descriptorId = e.descriptorId;
                if (r != null) {
                    traces.giveSite(t);
                    t.openedAt(r);
                } else {
                    traces.takeSite(t);
                }
                if (!stale && e.fd >= 0) {
                    entryOrPlaceholder(e.fd).previous = t;
                }
                if (e.descriptorId != 0) {
                    int i = closeIndex(e.descriptorId);
                    closeKeys[i] = e.descriptorId;
                    closeTraces[i] = t;
                }
            }
            case BAD_REFERENCE -> {
                // Java level: the stream's descriptor object names the handle; native level: the number does
                Trace closed = e.descriptorId != 0
                        ? recentClose(e.descriptorId)
                        : current == null && entry != null ? entry.previous : null;
                Trace previous = closed != null ? closed.copy() : null; // before add(): it may reuse that very slot
                Trace t = traces.add();
                if (t == null) {
                    return;
                }
                fill(
                        t,
                        TraceType.BAD_REFERENCE,
                        e,
                        previous != null ? previous.generation : 0,
                        previous,
                        stackId,
                        javaStack);
                if (previous != null && previous.hasOpened()) {
                    traces.giveSite(t);
                    t.openedFrom(previous);
                } else {
                    traces.takeSite(t);
                }
                if (previous != null) {
                    t.fd = previous.fd;
                    t.previous = previous;
                }
            }
            default -> {}
        }
    }

    /**
     * Told by the trace database of each trace leaving it: a number's entry stays the number's (it leaves the database
     * only), and a CLOSE is forgotten wherever it is remembered.
     */
    private boolean givingWay(Trace t) {
        if (t.fd >= 0 && t.fd < byFd.length) {
            Trace entry = byFd[t.fd];
            if (entry == t) {
                return true;
            }
            if (entry != null && entry.previous == t) {
                entry.previous = null;
            }
        }
        if (t.descriptorId != 0 && t.type == TraceType.CLOSE) {
            int i = closeIndex(t.descriptorId);
            if (closeTraces[i] == t) {
                closeTraces[i] = null;
            }
        }
        return false;
    }

    private static void fill(
            Trace t,
            TraceType type,
            HandleEvent e,
            int generation,
            Referent known,
            int stackId,
            CapturedStack javaStack) {
        t.type = type;
        t.fd = e.fd;
        t.generation = generation;
        if (known != null) {
            t.setReferent(known); // what the open (or the close before a bad reference) knew of the handle
        } else {
            t.setReferent(e.kind, e.description);
        }
        t.setSite(e.thread, e.timeMillis, stackId, javaStack);
        t.nanos = e.nanos;
    }

    private static int identityOf(Object descriptor) {
        Object d = descriptor instanceof Reference ? ((Reference<?>) descriptor).get() : descriptor;
        return d != null ? System.identityHashCode(d) : 0;
    }

    /** @return the number's entry (its newest OPEN), or null if none; the table grows to hold the number */
    private Trace entry(int fd) {
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        return byFd[fd];
    }

    /** @return the number's entry, or a placeholder made for it (no OPEN seen: generation 0, not open) */
    private Trace entryOrPlaceholder(int fd) {
        Trace entry = entry(fd);
        if (entry == null) {
            entry = traces.spare();
            entry.type = null; // not an OPEN: only the number's last CLOSE and its count of uses (none)
            entry.setReferent(null, null);
            entry.fd = fd;
            byFd[fd] = entry;
        }
        return entry;
    }

    /** @return the number's entry as the table holds it (for tests), or null */
    Trace entryOf(int fd) {
        return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
    }

    private boolean isOpen(int fd) {
        return fd >= 0 && fd < byFd.length && byFd[fd] != null && byFd[fd].open;
    }

    private static int closeIndex(int descriptorId) {
        int h = descriptorId * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (RECENT_CLOSES - 1);
    }

    private Trace recentClose(int descriptorId) {
        int i = closeIndex(descriptorId);
        Trace t = closeTraces[i];
        return closeKeys[i] == descriptorId ? t : null;
    }

    private CapturedStack stackOf(Throwable raw) {
        if (raw == null) {
            return CapturedStack.none(); // the agent's own handles carry no stack
        }
        // one hooked call that yields several descriptors shares one Throwable: share the stack too
        if (raw != lastRaw || lastStack == null) {
            lastRaw = raw;
            lastStack = new CapturedStack(raw);
        }
        return lastStack;
    }

    /** Command: changes the trace database's capacity, dropping the oldest traces if needed. */
    public void setMaxTraces(int max) {
        traces.setCapacity(max);
    }

    /**
     * Command: copies what a report needs, for the asking thread to build it from (see {@link ReportBuilder}):
     * a copy costs the ring a few milliseconds at most, a report built here cost it seconds of dropped events.
     *
     * @param request what the report includes
     * @return the copy
     */
    TableCopy copy(ReportRequest request) {
        List<HandleRecord> open = new ArrayList<>();
        BitSet tracedNumbers = new BitSet();
        BitSet agentNumbers = new BitSet();
        for (Trace r : byFd) {
            if (r == null || !r.open) {
                continue;
            }
            if (r.agent) {
                // the agent's own handle (a CLI connection, say), unless an event of its number was dropped since: its
                // close may have been, and what is open under the number now is then not vouched for (untraced, lost)
                if (ledger.count(r.fd) == r.dropsAtOpen) {
                    tracedNumbers.set(r.fd);
                    agentNumbers.set(r.fd);
                }
                continue;
            }
            tracedNumbers.set(r.fd);
            if (request.openHandles()) {
                HandleRecord c = new HandleRecord(r);
                c.vouched = ledger.count(r.fd) == r.dropsAtOpen;
                c.inSnapshot = snapshot.contains(key(r.fd, r.generation));
                open.add(c);
            }
        }
        List<Trace> shown = new ArrayList<>();
        for (int i = 0; i < traces.size() && shown.size() < request.maxTraces(); i++) {
            Trace t = traces.newest(i);
            if (request.traces().test(t)) {
                shown.add(t.copy());
            }
        }
        List<HandleRecord> gone = new ArrayList<>();
        if (request.reclaimed()) {
            for (HandleRecord r : reclaimed) {
                if (request.sinceSnapshot()
                        && (r.reclaimedIndex < snapshotReclaimed || snapshot.contains(key(r.fd, r.generation)))) {
                    continue; // reclaimed before the snapshot, or opened before it: not a leak of the diffed interval
                }
                gone.add(r); // already a copy, never changed after it joined the list
            }
        }
        Set<Integer> untracedAtSnapshot = request.sinceSnapshot() ? new HashSet<>(snapshotUntraced) : Set.of();
        return new TableCopy(
                open,
                tracedNumbers,
                agentNumbers,
                shown,
                gone,
                untracedAtSnapshot,
                dropBaseline,
                traces.size(),
                events,
                badEvents,
                traces.evicted() + reclaimedEvicted,
                timeline.copy(System.currentTimeMillis(), programOpen));
    }

    /**
     * Command: remembers which handles are open now, for {@link ReportRequest#sinceSnapshot()} reports.
     *
     * @param os the numbers the OS had open, listed before this command was published
     * @return how many handles were open: traced, and untraced
     */
    public int[] takeSnapshot(Set<Integer> os) {
        snapshotReclaimed = reclaimedCount;
        snapshot.clear();
        snapshotUntraced.clear();
        int traced = 0;
        for (Trace r : byFd) {
            if (r != null && r.open) {
                snapshot.add(key(r.fd, r.generation));
                traced += r.agent ? 0 : 1;
            }
        }
        for (Integer fd : os) {
            if (!isOpen(fd)) {
                snapshotUntraced.add(fd);
            }
        }
        return new int[] {traced, snapshotUntraced.size()};
    }

    /**
     * Command: forgets everything. Used when tracing is disabled: closes are no longer seen, so neither the
     * handle table nor the traces could be trusted after it; a later enable starts afresh, with the handles
     * then open listed as untraced.
     */
    public void clear() {
        for (Trace r : byFd) {
            if (r != null) {
                r.open &= r.agent; // the agent's own handles stay accounted for
                r.previous = null;
            }
        }
        programOpen = 0;
        Arrays.fill(openByKind, 0);
        timeline.clear();
        traces.clear();
        reclaimed.clear();
        reclaimedEvicted = 0;
        Arrays.fill(closeTraces, null);
        snapshot.clear();
        snapshotUntraced.clear();
        dropBaseline = ledger.copy(); // from now on, a number is vouched for only if nothing was dropped for it since
        lastRaw = null;
        lastStack = null;
    }

    /** Counts a handle of the program's opened, and tells the threshold's listener when it is first exceeded. */
    private void programOpened(long timeMillis, HandleKind kind) {
        programOpen++;
        openByKind[kindIndex(kind)]++;
        timeline.record(timeMillis, programOpen);
        int limit = threshold;
        if (limit > 0 && programOpen > limit && thresholdTold != limit) {
            thresholdTold = limit;
            ThresholdListener l = thresholdListener;
            if (l != null) {
                l.thresholdExceeded(limit, programOpen);
            }
        }
    }

    private static int kindIndex(HandleKind kind) {
        return (kind == null ? HandleKind.UNKNOWN : kind).ordinal();
    }

    /** @return a copy of the program's open handles by kind; from any thread, so perhaps a moment old */
    int[] openByKind() {
        return openByKind.clone();
    }

    /** The JFR event of a reclaimed leak, with its open stack: only the analyzer knows it. */
    private void jfrReclaimed(Trace r) {
        if (jfrStacks == null) {
            jfrStacks = new StackResolver();
        }
        List<StackTraceElement> stack = jfrStacks.frames(r.stackId, r.javaStack);
        dev.jhtrace.agent.jfr.JfrEvents.reclaimed(
                r.fd,
                (r.kind == null ? HandleKind.UNKNOWN : r.kind).name(),
                r.description,
                dev.jhtrace.agent.report.LeakSites.siteOf(stack),
                stack,
                r.thread,
                r.timeMillis);
    }

    /**
     * Arms {@code threshold=}: the listener is told when the program's open handles first exceed it, once; a different
     * value arms it again.
     *
     * @param limit    the threshold, 0 for none
     * @param listener who is told
     */
    void armThreshold(int limit, ThresholdListener listener) {
        thresholdListener = listener;
        threshold = limit;
    }

    /** @return the program's handles open now (analyzer thread only) */
    int programOpen() {
        return programOpen;
    }

    /** @return the size of the trace database (analyzer thread only) */
    public int traceCount() {
        return traces.size();
    }

    /** @return the maximum size of the trace database (analyzer thread only) */
    public int maxTraces() {
        return traces.capacity();
    }

    private static long key(int fd, long generation) {
        return ((long) fd << 40) ^ generation;
    }

    /**
     * Counts an event the analyzer could not process; it is skipped, and reports say how many were.
     *
     * @param event the event (its number is counted as dropped: its handle can no longer be vouched for)
     */
    void skipped(HandleEvent event) {
        if (event.command == null) {
            badEvents++;
            ledger.dropped(event.fd);
        }
    }
}
