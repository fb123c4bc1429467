package dev.jhtrace.agent;

import com.lmax.disruptor.EventHandler;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.TraceView;
import dev.jhtrace.agent.report.UntracedView;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The single consumer of the ring. It owns all handle state, so none of it needs a lock: the handle table
 * (one reusable slot per descriptor number, with a generation so that a reused number never mixes two
 * handles), the trace database (the newest {@code maxTraces} traces), handles the GC reclaimed, and recent
 * closes by descriptor object (to name the handle a bad reference used).
 *
 * <p>In a steady state (numbers seen before, trace database full) an event costs no allocation: slots and
 * traces are reused, stacks are ints interned by the native module and resolved only for reports. Reports
 * are built on this thread too, as commands in the ring, so a report is exact with respect to every event
 * published before it.
 */
final class Analyzer implements EventHandler<HandleEvent> {
    /** Recent closes remembered by descriptor object; direct-mapped, so a newer close may evict an older one. */
    private static final int RECENT_CLOSES = 4096;
    private static final int MAX_RECLAIMED = 10_000;

    private HandleRecord[] byFd = new HandleRecord[1024];
    private final TraceDatabase traces;
    private final ArrayDeque<HandleRecord> reclaimed = new ArrayDeque<>();
    private final int[] closeKeys = new int[RECENT_CLOSES];
    private final Trace[] closeTraces = new Trace[RECENT_CLOSES];
    private final long[] closeSeqs = new long[RECENT_CLOSES];
    private final StackInterner interner = new StackInterner();
    /** Native stacks resolved for reports, by id. */
    private final Map<Integer, CapturedStack> nativeStacks = new HashMap<>();
    private final Set<Long> snapshot = new HashSet<>();
    private final Set<Integer> snapshotUntraced = new HashSet<>();
    /** Handles reclaimed by the GC so far, and how many had been at the last snapshot (for {@code -diff}). */
    private long reclaimedCount;
    private long snapshotReclaimed;
    /** The most frames a stack keeps ({@code depth=}). */
    private final int depth;
    /** Wall-clock times of Java events, from their {@link System#nanoTime()}: the hooks read one clock, not two. */
    private final WallClock wallClock = new WallClock();
    private Throwable lastRaw;
    private CapturedStack lastStack;

    Analyzer(int maxTraces, int depth) {
        this.traces = new TraceDatabase(maxTraces);
        this.depth = depth;
    }

    @Override
    public void onEvent(HandleEvent e, long sequence, boolean endOfBatch) {
        try {
            if (e.command != null) {
                e.command.run();
            } else if (e.type != null) {
                if (e.descriptor != null) {
                    e.descriptorId = System.identityHashCode(e.descriptor);
                }
                if (e.timeMillis == 0 && e.nanos != 0) {
                    e.timeMillis = wallClock.millisAt(e.nanos);
                }
                process(e);
            }
            if (endOfBatch) {
                wallClock.resync();
            }
        } finally {
            e.clear();
        }
    }

    private void process(HandleEvent e) {
        int stackId = Math.max(e.traceId, 0);
        CapturedStack javaStack = stackId > 0 ? null : e.stack != null || e.frames == null ? stackOf(e.stack) : CapturedStack.of(e.frames);
        HandleRecord slot = e.fd >= 0 ? slot(e.fd) : null;
        HandleRecord current = slot != null && slot.open ? slot : null;
        // a native event drained late may concern an earlier use of a number a Java hook has seen reused since
        boolean stale = current != null && current.openedNanos > e.nanos;
        switch (e.type) {
            case OPEN -> {
                if (slot == null) {
                    return;
                }
                int gen = ++slot.uses;
                if (!stale) {
                    slot.open = true;
                    slot.generation = gen;
                    slot.kind = e.kind;
                    slot.description = e.description;
                    slot.thread = e.thread;
                    slot.openedAt = e.timeMillis;
                    slot.openedNanos = e.nanos;
                    slot.stackId = stackId;
                    slot.javaStack = javaStack;
                    slot.agent = e.agent;
                }
                Trace t = e.agent ? null : traces.add();
                if (t != null) {
                    fill(t, TraceType.OPEN, e, gen, e.kind, e.description, stackId, javaStack);
                }
            }
            case CLOSE -> {
                HandleRecord r = stale ? null : current;
                if (r != null) {
                    r.open = false;
                }
                if (e.agent || r != null && r.agent) {
                    return; // the agent's own handle: accounted for, not traced
                }
                if (e.reclaimed && r != null) {
                    HandleRecord copy = r.copy();
                    copy.reclaimedIndex = reclaimedCount++;
                    reclaimed.addLast(copy);
                    if (reclaimed.size() > MAX_RECLAIMED) {
                        reclaimed.removeFirst();
                    }
                }
                Trace t = traces.add();
                if (t == null) {
                    return;
                }
                fill(t, TraceType.CLOSE, e, r != null ? r.generation : 0, r != null ? r.kind : e.kind,
                        r != null ? r.description : e.description, stackId, javaStack);
                t.reclaimed = e.reclaimed;
                if (r != null) {
                    t.openedFrom(r);
                }
                if (!stale && slot != null) {
                    slot.lastClose = t;
                    slot.lastCloseSeq = t.seq;
                }
                if (e.descriptorId != 0) {
                    int i = closeIndex(e.descriptorId);
                    closeKeys[i] = e.descriptorId;
                    closeTraces[i] = t;
                    closeSeqs[i] = t.seq;
                }
            }
            case BAD_REFERENCE -> {
                // Java level: the stream's descriptor object names the handle; native level: the number does
                Trace closed = e.descriptorId != 0 ? recentClose(e.descriptorId) : current == null && slot != null ? slot.lastClose() : null;
                Trace previous = closed != null ? closed.copy() : null; // before add(): it may reuse that very slot
                Trace t = traces.add();
                if (t == null) {
                    return;
                }
                fill(t, TraceType.BAD_REFERENCE, e, previous != null ? previous.generation : 0, previous != null ? previous.kind : e.kind,
                        previous != null ? previous.description : e.description, stackId, javaStack);
                if (previous != null) {
                    t.fd = previous.fd;
                    t.previous = previous;
                    t.openedFrom(previous);
                }
            }
            default -> {
            }
        }
    }

    private static void fill(Trace t, TraceType type, HandleEvent e, int generation, HandleKind kind, String description, int stackId,
                             CapturedStack javaStack) {
        t.type = type;
        t.fd = e.fd;
        t.generation = generation;
        t.kind = kind;
        t.description = description;
        t.thread = e.thread;
        t.timeMillis = e.timeMillis;
        t.stackId = stackId;
        t.javaStack = javaStack;
    }

    private HandleRecord slot(int fd) {
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        HandleRecord r = byFd[fd];
        if (r == null) {
            r = new HandleRecord(fd);
            byFd[fd] = r;
        }
        return r;
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
        return closeKeys[i] == descriptorId && t != null && t.seq == closeSeqs[i] ? t : null;
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

    /** @return the frames of a stack held as a native id or as a Java capture (resolved now, once) */
    private List<StackTraceElement> frames(int stackId, CapturedStack javaStack) {
        if (javaStack != null) {
            return javaStack.frames(interner);
        }
        CapturedStack s = nativeStacks.get(stackId);
        if (s == null) {
            s = CapturedStack.ofNative(stackId);
            nativeStacks.put(stackId, s);
        }
        return s.frames(interner);
    }

    /** Command: changes the trace database's capacity, dropping the oldest traces if needed. */
    void setMaxTraces(int max) {
        traces.setCapacity(max);
    }

    /**
     * Builds a report from the current state and the OS's descriptor table. Analyzer thread only.
     *
     * @param request   what to include
     * @param os        the OS's descriptor table, listed before this command was published
     * @param startedAt when tracing started
     * @param dropped   the ring's drop count
     * @param warnings  start-up warnings to carry
     * @return the report
     */
    LeakReport report(ReportRequest request, Map<Integer, String> os, long startedAt, LongSupplier dropped, List<String> warnings) {
        ProcFds.Sockets sockets = new ProcFds.Sockets(ProcFds.self(), os);
        List<HandleView> openViews = request.openHandles()
                ? openHandles(os, sockets, request.sinceSnapshot(), request.includeRuntime()) : new ArrayList<>();
        List<UntracedView> untraced = new ArrayList<>();
        // untraced: open in the listing taken before this command (so not opened after it, its event still to come)
        // and in one taken now (so not closed in between, its close processed before this command)
        Map<Integer, String> now = ProcFds.list(ProcFds.self());
        for (Map.Entry<Integer, String> fd : os.entrySet()) {
            if (!now.containsKey(fd.getKey())) {
                continue;
            }
            boolean seenAtSnapshot = request.sinceSnapshot() && snapshotUntraced.contains(fd.getKey());
            boolean asked = request.handle() < 0 || request.handle() == fd.getKey();
            if (!isOpen(fd.getKey()) && !seenAtSnapshot && asked) {
                String described = sockets.describe(fd.getValue());
                if (!ProcFds.Sockets.isControlChannel(described)) {
                    untraced.add(new UntracedView(fd.getKey(), described));
                }
            }
        }
        List<TraceView> traceViews = new ArrayList<>();
        for (int i = 0; i < traces.size() && traceViews.size() < request.maxTraces(); i++) {
            Trace t = traces.newest(i);
            if (request.traces().test(t)) {
                traceViews.add(traceView(t));
            }
        }
        List<HandleView> reclaimedViews = new ArrayList<>();
        if (request.reclaimed()) {
            for (HandleRecord r : reclaimed) {
                if (request.sinceSnapshot() && (r.reclaimedIndex < snapshotReclaimed || snapshot.contains(key(r.fd, r.generation)))) {
                    continue; // reclaimed before the snapshot, or opened before it: not a leak of the diffed interval
                }
                if (request.includeRuntime() || !RuntimeHandles.isRuntime(frames(r.stackId, r.javaStack), depth)) {
                    reclaimedViews.add(view(r, null));
                }
            }
        }
        return new LeakReport(ProcessInfo.pid(), ProcessInfo.commandLine(), startedAt, System.currentTimeMillis(),
                traces.size(), dropped.getAsLong(), openViews, traceViews, reclaimedViews, untraced, warnings);
    }

    /**
     * Command: the program's handles open now (as the OS confirms), without the rest of a report: what the
     * look at exit needs to tell whether anything leaked. Analyzer thread only.
     *
     * @param os             the OS's descriptor table, listed before this command was published
     * @param includeRuntime also the JVM's own handles
     * @return the open handles, by descriptor number
     */
    List<HandleView> openHandles(Map<Integer, String> os, boolean includeRuntime) {
        return openHandles(os, new ProcFds.Sockets(ProcFds.self(), os), false, includeRuntime);
    }

    private List<HandleView> openHandles(Map<Integer, String> os, ProcFds.Sockets sockets, boolean sinceSnapshot, boolean includeRuntime) {
        List<HandleView> views = new ArrayList<>();
        for (HandleRecord r : byFd) {
            if (r == null || !r.open || r.agent) {
                continue;
            }
            String now = os.get(r.fd);
            if (now == null) {
                continue; // closed by something no hook sees; the OS is the ground truth
            }
            if (sinceSnapshot && snapshot.contains(key(r.fd, r.generation))) {
                continue;
            }
            if (!includeRuntime && RuntimeHandles.isRuntime(frames(r.stackId, r.javaStack), depth)) {
                continue;
            }
            views.add(view(r, sockets.describe(now)));
        }
        return views;
    }

    /**
     * Command: remembers which handles are open now, for {@link ReportRequest#sinceSnapshot()} reports.
     *
     * @return how many handles were open: traced, and untraced
     */
    int[] takeSnapshot() {
        snapshotReclaimed = reclaimedCount;
        snapshot.clear();
        snapshotUntraced.clear();
        int traced = 0;
        for (HandleRecord r : byFd) {
            if (r != null && r.open) {
                snapshot.add(key(r.fd, r.generation));
                traced += r.agent ? 0 : 1;
            }
        }
        for (Integer fd : ProcFds.list(ProcFds.self()).keySet()) {
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
    void clear() {
        for (HandleRecord r : byFd) {
            if (r != null) {
                r.open &= r.agent; // the agent's own handles stay accounted for
                r.lastClose = null;
            }
        }
        traces.clear();
        reclaimed.clear();
        Arrays.fill(closeTraces, null);
        snapshot.clear();
        snapshotUntraced.clear();
        nativeStacks.clear();
        lastRaw = null;
        lastStack = null;
    }

    /** @return the size of the trace database (analyzer thread only) */
    int traceCount() {
        return traces.size();
    }

    /** @return the maximum size of the trace database (analyzer thread only) */
    int maxTraces() {
        return traces.capacity();
    }

    private static long key(int fd, long generation) {
        return ((long) fd << 40) ^ generation;
    }

    private TraceView traceView(Trace t) {
        TraceView previous = t.previous == null ? null : traceView(t.previous);
        HandleView opened = t.type == TraceType.BAD_REFERENCE && t.hasOpened
                ? new HandleView(t.fd, t.generation, name(t.kind), t.description, t.openedThread, t.openedAt,
                frames(t.openedStackId, t.openedJavaStack))
                : null;
        return new TraceView(t.fd, t.generation, t.type.name(), name(t.kind), t.description, t.thread, t.timeMillis,
                frames(t.stackId, t.javaStack), previous, opened);
    }

    private HandleView view(HandleRecord r, String osDescription) {
        String description = r.description;
        if (description == null) {
            description = osDescription;
        } else if (r.kind == HandleKind.SOCKET && osDescription != null && !osDescription.startsWith("socket:")
                && !osDescription.startsWith("pipe:")) {
            description = description + " (" + osDescription + ")";
        }
        HandleKind kind = r.kind;
        if (osDescription != null && osDescription.startsWith("pipe:")) {
            kind = HandleKind.PIPE; // some JDKs make wakeup pairs from pipes, others from socketpairs
        } else if (kind == HandleKind.FILE && osDescription != null && osDescription.startsWith("/")
                && java.nio.file.Files.isDirectory(java.nio.file.Paths.get(osDescription))) {
            kind = HandleKind.DIRECTORY; // a directory stream's first fd is opened like a file; the OS knows better
        }
        return new HandleView(r.fd, r.generation, name(kind), description, r.thread, r.openedAt, frames(r.stackId, r.javaStack));
    }

    private static String name(HandleKind kind) {
        return kind == null ? HandleKind.UNKNOWN.name() : kind.name();
    }
}
