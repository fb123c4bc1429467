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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The single consumer of the ring. It owns all handle state, so none of it needs a lock: the live handle
 * table (descriptor to its current open record, with a generation number so that a reused number never
 * mixes two handles), the trace database (the newest {@code maxTraces} traces), handles the GC reclaimed,
 * and recent closes by descriptor object (to name the handle a bad reference used).
 *
 * <p>Reports are built on this thread too, as commands in the ring, so a report is exact with respect to
 * every event published before it.
 */
final class Analyzer implements EventHandler<HandleEvent> {
    private static final int RECENT_CLOSES = 4096;
    private static final int MAX_RECLAIMED = 10_000;

    private final Map<Integer, HandleRecord> open = new HashMap<>();
    private long[] generations = new long[1024];
    private final ArrayDeque<Trace> traces = new ArrayDeque<>();
    private final ArrayDeque<HandleRecord> reclaimed = new ArrayDeque<>();
    private final Map<Integer, Trace> lastCloseByFd = new HashMap<>();
    private final LinkedHashMap<Integer, Trace> closesByDescriptor = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Trace> eldest) {
            return size() > RECENT_CLOSES;
        }
    };
    private final StackInterner interner = new StackInterner();
    private final java.util.Set<Long> snapshot = new java.util.HashSet<>();
    private final java.util.Set<Integer> snapshotUntraced = new java.util.HashSet<>();
    private int maxTraces;
    /** The most frames a stack keeps ({@code depth=}). */
    private final int depth;
    private final Map<Integer, CapturedStack> nativeStacks = new HashMap<>();
    private Throwable lastRaw;
    private CapturedStack lastStack;

    Analyzer(int maxTraces, int depth) {
        this.maxTraces = maxTraces;
        this.depth = depth;
    }

    @Override
    public void onEvent(HandleEvent e, long sequence, boolean endOfBatch) {
        try {
            if (e.command != null) {
                e.command.run();
            } else if (e.type != null) {
                process(e);
            }
        } finally {
            e.clear();
        }
    }

    private void process(HandleEvent e) {
        CapturedStack stack = e.traceId > 0 ? nativeStacks.computeIfAbsent(e.traceId, CapturedStack::ofNative)
                : e.stack != null || e.frames == null ? stackOf(e.stack) : CapturedStack.of(e.frames);
        HandleRecord current = open.get(e.fd);
        // a native event drained late may concern an earlier use of a number a Java hook has seen reused since
        boolean stale = current != null && current.openedNanos > e.nanos;
        switch (e.type) {
            case OPEN -> {
                long gen = nextGeneration(e.fd);
                HandleRecord r = new HandleRecord(e.fd, gen, e.kind, e.description, e.thread, e.timeMillis, e.nanos, stack, e.agent);
                if (!stale) {
                    open.put(e.fd, r);
                }
                if (!e.agent) {
                    record(new Trace(TraceType.OPEN, e.fd, gen, e.kind, e.description, e.thread, e.timeMillis, stack, false, null, null));
                }
            }
            case CLOSE -> {
                HandleRecord r = stale ? null : open.remove(e.fd);
                HandleKind kind = r != null ? r.kind : e.kind;
                String description = r != null ? r.description : e.description;
                long gen = r != null ? r.generation : 0;
                Trace t = new Trace(TraceType.CLOSE, e.fd, gen, kind, description, e.thread, e.timeMillis, stack, e.reclaimed, r, null);
                if (e.agent || r != null && r.agent) {
                    return; // the agent's own handle: accounted for, not traced
                }
                record(t);
                if (!stale) {
                    lastCloseByFd.put(e.fd, t);
                }
                if (e.descriptorId != 0) {
                    closesByDescriptor.put(e.descriptorId, t);
                }
                if (e.reclaimed && r != null) {
                    reclaimed.addLast(r);
                    if (reclaimed.size() > MAX_RECLAIMED) {
                        reclaimed.removeFirst();
                    }
                }
            }
            case BAD_REFERENCE -> {
                // Java level: the stream's descriptor object names the handle; native level: the number does
                Trace closed = e.descriptorId != 0 ? closesByDescriptor.get(e.descriptorId) : current == null ? lastCloseByFd.get(e.fd) : null;
                int fd = closed != null ? closed.fd() : e.fd;
                record(new Trace(TraceType.BAD_REFERENCE, fd, closed != null ? closed.generation() : 0,
                        closed != null ? closed.kind() : e.kind, closed != null ? closed.description() : e.description,
                        e.thread, e.timeMillis, stack, false, closed != null ? closed.opened() : null, closed));
            }
            default -> {
            }
        }
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

    private long nextGeneration(int fd) {
        if (fd >= generations.length) {
            generations = Arrays.copyOf(generations, Math.max(fd + 1, generations.length * 2));
        }
        return ++generations[fd];
    }

    private void record(Trace t) {
        if (maxTraces <= 0) {
            return;
        }
        traces.addLast(t);
        while (traces.size() > maxTraces) {
            traces.removeFirst();
        }
    }

    /** Command: changes the trace database's capacity, dropping the oldest traces if needed. */
    void setMaxTraces(int max) {
        maxTraces = max;
        while (traces.size() > Math.max(0, max)) {
            traces.removeFirst();
        }
    }


    /**
     * Builds a report from the current state and the OS's descriptor table. Analyzer thread only.
     *
     * @param request   what to include
     * @param startedAt when tracing started
     * @param dropped   the ring's drop count
     * @param warnings  start-up warnings to carry
     * @return the report
     */
    LeakReport report(ReportRequest request, long startedAt, LongSupplier dropped, List<String> warnings) {
        Map<Integer, String> os = ProcFds.list(ProcFds.self());
        ProcFds.Sockets sockets = new ProcFds.Sockets(ProcFds.self());
        List<HandleView> openViews = new ArrayList<>();
        if (request.openHandles()) {
            for (HandleRecord r : new java.util.TreeMap<>(open).values()) {
                String now = os.get(r.fd);
                if (now == null) {
                    continue; // closed by something no hook sees; the OS is the ground truth
                }
                if (request.sinceSnapshot() && snapshot.contains(key(r.fd, r.generation))) {
                    continue;
                }
                if (r.agent || !request.includeRuntime() && RuntimeHandles.isRuntime(r.openStack.frames(interner), depth)) {
                    continue;
                }
                openViews.add(view(r, sockets.describe(now)));
            }
        }
        List<UntracedView> untraced = new ArrayList<>();
        for (Map.Entry<Integer, String> fd : os.entrySet()) {
            boolean seenAtSnapshot = request.sinceSnapshot() && snapshotUntraced.contains(fd.getKey());
            if (!open.containsKey(fd.getKey()) && !seenAtSnapshot) {
                String described = sockets.describe(fd.getValue());
                if (!ProcFds.Sockets.isControlChannel(described)) {
                    untraced.add(new UntracedView(fd.getKey(), described));
                }
            }
        }
        List<TraceView> traceViews = new ArrayList<>();
        for (Iterator<Trace> it = traces.descendingIterator(); it.hasNext() && traceViews.size() < request.maxTraces(); ) {
            Trace t = it.next();
            if (request.traces().test(t)) {
                traceViews.add(traceView(t));
            }
        }
        List<HandleView> reclaimedViews = new ArrayList<>();
        if (request.reclaimed()) {
            for (HandleRecord r : reclaimed) {
                if (request.includeRuntime() || !RuntimeHandles.isRuntime(r.openStack.frames(interner), depth)) {
                    reclaimedViews.add(view(r, null));
                }
            }
        }
        return new LeakReport(ProcessInfo.pid(), ProcessInfo.commandLine(), startedAt, System.currentTimeMillis(),
                traces.size(), dropped.getAsLong(), openViews, traceViews, reclaimedViews, untraced, warnings);
    }

    /**
     * Command: remembers which handles are open now, for {@link ReportRequest#sinceSnapshot()} reports.
     *
     * @return how many handles were open: traced, and untraced
     */
    int[] takeSnapshot() {
        snapshot.clear();
        snapshotUntraced.clear();
        int traced = 0;
        for (HandleRecord r : open.values()) {
            snapshot.add(key(r.fd, r.generation));
            traced += r.agent ? 0 : 1;
        }
        for (Integer fd : ProcFds.list(ProcFds.self()).keySet()) {
            if (!open.containsKey(fd)) {
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
        open.values().removeIf(r -> !r.agent); // the agent's own handles stay accounted for
        traces.clear();
        reclaimed.clear();
        closesByDescriptor.clear();
        lastCloseByFd.clear();
        snapshot.clear();
        snapshotUntraced.clear();
        lastRaw = null;
        lastStack = null;
    }

    /** @return the size of the trace database (analyzer thread only) */
    int traceCount() {
        return traces.size();
    }

    /** @return the maximum size of the trace database (analyzer thread only) */
    int maxTraces() {
        return maxTraces;
    }

    private static long key(int fd, long generation) {
        return ((long) fd << 40) ^ generation;
    }

    private TraceView traceView(Trace t) {
        TraceView previous = t.previous() == null ? null : traceView(t.previous());
        HandleView opened = t.type() == TraceType.BAD_REFERENCE && t.opened() != null ? view(t.opened(), null) : null;
        return new TraceView(t.fd(), t.generation(), t.type().name(), name(t.kind()), t.description(), t.thread(), t.timeMillis(),
                t.stack().frames(interner), previous, opened);
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
        return new HandleView(r.fd, r.generation, name(kind), description, r.thread, r.openedAt, r.openStack.frames(interner));
    }

    private static String name(HandleKind kind) {
        return kind == null ? HandleKind.UNKNOWN.name() : kind.name();
    }

}
