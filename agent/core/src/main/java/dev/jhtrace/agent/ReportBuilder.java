package dev.jhtrace.agent;

import dev.jhtrace.agent.os.ProcFds;
import dev.jhtrace.agent.os.ProcessInfo;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakReport;
import dev.jhtrace.agent.report.Suppressions;
import dev.jhtrace.agent.report.TraceView;
import dev.jhtrace.agent.report.UntracedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link LeakReport} from a {@link TableCopy} of the analyzer's state and two listings of the OS's table,
 * on the thread that asked: frames are resolved, sockets described and kinds checked here, off the ring.
 *
 * <p>A handle is shown as open with its stack only when the agent can vouch for it: no event for its number was
 * dropped since its open ({@link DropLedger}), and what the OS says the descriptor is agrees with the kind the open
 * recorded (a file's record on what is now a socket is an older life of the number). Anything else open in the OS
 * is untraced, and marked {@code lost} when events for the number were dropped while tracing.
 */
final class ReportBuilder {
    private final StackResolver stacks;
    private final DropLedger ledger;
    /** The most frames a stack keeps ({@code depth=}). */
    private final int depth;

    /**
     * The agent jar, which the JVM keeps open for {@code -javaagent} (and {@code JarClassLoader} for the native
     * start): jhtrace's own, hidden and counted. The path as the agent was given it; {@code /proc/self/fd} shows the
     * file's real path, so the listing is compared with that ({@link #agentJarAsListed}).
     */
    private final String agentJar;
    /** {@link #agentJar}'s real path, found at the first report (not in the program's start-up), or null before. */
    private volatile String agentJarReal;

    ReportBuilder(StackResolver stacks, DropLedger ledger, int depth, String agentJar) {
        this.stacks = stacks;
        this.ledger = ledger;
        this.depth = depth;
        this.agentJar = agentJar;
    }

    /** @return the agent jar's real path (links resolved), as the OS's table names it; the path itself if unknown */
    private String agentJarAsListed() {
        String real = agentJarReal;
        if (real == null) {
            try {
                real = agentJar == null
                        ? ""
                        : java.nio.file.Paths.get(agentJar).toRealPath().toString();
            } catch (java.io.IOException | RuntimeException e) {
                real = agentJar == null ? "" : agentJar; // gone or unreadable: what it was given as
            }
            agentJarReal = real;
        }
        return real;
    }

    /** The figures a report carries besides the state: from the ring and the native module. */
    record Counts(long startedAt, long dropped, long errors) {}

    /**
     * @param request  what to include
     * @param copy     the analyzer's state, copied after every event published before the request
     * @param before   the OS's table, listed before the copy was asked for
     * @param after    the OS's table, listed after the copy was made
     * @param counts   drops and errors
     * @param warnings the warnings to carry
     * @param suppress accepted handles: left out of the open and reclaimed lists, and counted
     * @return the report
     */
    LeakReport build(
            ReportRequest request,
            TableCopy copy,
            Map<Integer, String> before,
            Map<Integer, String> after,
            Counts counts,
            List<String> warnings,
            Suppressions suppress) {
        ProcFds.Sockets sockets = new ProcFds.Sockets(ProcFds.self(), before);
        int[] hidden = {0};
        int suppressed = 0;
        IdleKeepAlive idle = new IdleKeepAlive();
        List<HandleView> open = new ArrayList<>();
        List<UntracedView> untraced = new ArrayList<>();
        for (HandleRecord r : copy.open()) {
            String now = before.get(r.fd);
            if (now == null) {
                continue; // closed by something no hook sees; the OS is the ground truth
            }
            if (!r.vouched || !sameKind(r.kind, now)) {
                // another life of the number, or maybe: listed with what the OS says, never with this record's stack
                if (after.containsKey(r.fd)
                        && asked(request, r.fd)
                        && request.openedAfter() == ReportRequest.ANY_TIME
                        && !(request.sinceSnapshot() && copy.snapshotUntraced().contains(r.fd))) {
                    untraced.add(new UntracedView(
                            r.fd, sockets.describe(now), ledger.droppedSince(copy.dropBaseline(), r.fd)));
                }
                continue;
            }
            if (request.sinceSnapshot() && r.inSnapshot || !request.openedInTime(r.openedNanos)) {
                continue;
            }
            if (!request.includeRuntime() && isRuntime(r, idle)) {
                hidden[0]++;
                continue;
            }
            HandleView v = view(r, sockets.describe(now));
            if (suppress.suppresses(v.description(), v.stack())) {
                suppressed++;
                continue;
            }
            open.add(v);
        }
        // untraced: open in the listing taken before the copy (so not opened after it, its event still to come) and in
        // one taken after (so not closed in between, its close processed before the copy)
        for (Map.Entry<Integer, String> fd : before.entrySet()) {
            if (request.openedAfter() != ReportRequest.ANY_TIME) {
                break; // an untraced descriptor has no time of opening: never a test's
            }
            int number = fd.getKey();
            if (!after.containsKey(number) || copy.tracedNumbers().get(number)) {
                if (copy.agentNumbers().get(number) && after.containsKey(number)) {
                    hidden[0]++;
                }
                continue;
            }
            if (request.sinceSnapshot() && copy.snapshotUntraced().contains(number) || !asked(request, number)) {
                continue;
            }
            String described = sockets.describe(fd.getValue());
            if (ProcFds.Sockets.isControlChannel(described)
                    || described != null && described.equals(agentJarAsListed())) {
                hidden[0]++; // the agent's own: counted, never listed (docs/safety.md)
                continue;
            }
            untraced.add(new UntracedView(number, described, ledger.droppedSince(copy.dropBaseline(), number)));
        }
        untraced.sort(BY_HANDLE);
        List<TraceView> traceViews = new ArrayList<>();
        for (Trace t : copy.traces()) {
            traceViews.add(traceView(t));
        }
        List<HandleView> reclaimedViews = new ArrayList<>();
        for (HandleRecord r : copy.reclaimed()) {
            if (!request.openedInTime(r.openedNanos)) {
                continue;
            }
            // a connection the keep-alive cache let go is closed by it: one the GC closed the program dropped unread
            if (request.includeRuntime() || RuntimeHandles.owner(frames(r), depth) != RuntimeHandles.Owner.JDK) {
                HandleView v = view(r, null);
                if (suppress.suppresses(v.description(), v.stack())) {
                    suppressed++;
                } else {
                    reclaimedViews.add(v);
                }
            }
        }
        return new LeakReport(
                ProcessInfo.pid(),
                ProcessInfo.commandLine(),
                counts.startedAt(),
                System.currentTimeMillis(),
                copy.traceCount(),
                counts.dropped(),
                open,
                traceViews,
                reclaimedViews,
                untraced,
                warnings,
                copy.events(),
                copy.badEvents() + counts.errors(),
                hidden[0],
                copy.evicted(),
                suppressed,
                copy.timeline());
    }

    /**
     * The program's handles open now (vouched for, as the OS confirms), without the rest of a report: what the look at
     * exit needs to tell whether anything leaked.
     *
     * @param copy           the analyzer's state
     * @param os             the OS's table, listed before the copy
     * @param includeRuntime also the JVM's own handles
     * @param suppress       accepted handles, left out
     * @return the open handles
     */
    List<HandleView> openHandles(
            TableCopy copy, Map<Integer, String> os, boolean includeRuntime, Suppressions suppress) {
        ProcFds.Sockets sockets = new ProcFds.Sockets(ProcFds.self(), os);
        List<HandleView> views = new ArrayList<>();
        IdleKeepAlive idle = new IdleKeepAlive();
        for (HandleRecord r : copy.open()) {
            String now = os.get(r.fd);
            if (now == null || !r.vouched || !sameKind(r.kind, now)) {
                continue;
            }
            if (!includeRuntime && isRuntime(r, idle)) {
                continue;
            }
            HandleView v = view(r, sockets.describe(now));
            if (!suppress.suppresses(v.description(), v.stack())) {
                views.add(v);
            }
        }
        return views;
    }

    /** Whether the JDK keeps an open handle for itself; the keep-alive cache is looked at only when it matters. */
    private boolean isRuntime(HandleRecord r, IdleKeepAlive idle) {
        RuntimeHandles.Owner owner = RuntimeHandles.owner(frames(r), depth);
        return owner == RuntimeHandles.Owner.JDK || owner == RuntimeHandles.Owner.KEEP_ALIVE_CACHE && idle.holds(r.fd);
    }

    /** The keep-alive cache's idle connections, looked at once per report, at the first connection that needs it. */
    private static final class IdleKeepAlive {
        private Set<Integer> fds;
        private boolean looked;

        boolean holds(int fd) {
            if (!looked) {
                looked = true;
                fds = KeepAliveConnections.idle();
            }
            return fds == null || fds.contains(fd); // not readable: the JDK's, as every such connection once was
        }
    }

    private static boolean asked(ReportRequest request, int fd) {
        return request.handle() < 0 || request.handle() == fd;
    }

    /**
     * @param kind what the open recorded
     * @param os   what {@code /proc/self/fd} says the descriptor is now
     * @return false when they cannot be the same handle (a file's open on what is now a socket)
     */
    static boolean sameKind(HandleKind kind, String os) {
        if (kind == null || kind == HandleKind.UNKNOWN || os == null) {
            return true;
        }
        if (os.startsWith("socket:")) {
            return kind == HandleKind.SOCKET;
        }
        if (os.startsWith("pipe:")) {
            return kind == HandleKind.PIPE || kind == HandleKind.SOCKET; // some JDKs make their wakeup pairs from pipes
        }
        if (os.startsWith("anon_inode:")) {
            return kind != HandleKind.SOCKET && kind != HandleKind.PIPE && kind != HandleKind.DIRECTORY;
        }
        if (os.startsWith("/")) {
            return kind == HandleKind.FILE || kind == HandleKind.DIRECTORY;
        }
        return true;
    }

    private java.util.List<StackTraceElement> frames(Site site) {
        return stacks.frames(site.stackId, site.javaStack);
    }

    private TraceView traceView(Trace t) {
        TraceView previous = t.previous == null ? null : traceView(t.previous);
        HandleView opened = t.type == TraceType.BAD_REFERENCE && t.hasOpened()
                ? new HandleView(
                        t.fd,
                        t.generation,
                        name(t.kind),
                        t.description,
                        t.opened.thread,
                        t.opened.timeMillis,
                        frames(t.opened))
                : null;
        return new TraceView(
                t.fd,
                t.generation,
                t.type.name(),
                name(t.kind),
                t.description,
                t.thread,
                t.timeMillis,
                frames(t),
                previous,
                opened);
    }

    private HandleView view(HandleRecord r, String osDescription) {
        String description = r.description;
        if (description == null) {
            description = osDescription;
        } else if (r.kind == HandleKind.SOCKET
                && osDescription != null
                && !osDescription.startsWith("socket:")
                && !osDescription.startsWith("pipe:")) {
            description = description + " (" + osDescription + ")";
        }
        HandleKind kind = r.kind;
        if (osDescription != null && osDescription.startsWith("pipe:")) {
            kind = HandleKind.PIPE; // some JDKs make wakeup pairs from pipes, others from socketpairs
        } else if (kind == HandleKind.FILE
                && osDescription != null
                && osDescription.startsWith("/")
                && java.nio.file.Files.isDirectory(java.nio.file.Paths.get(osDescription))) {
            kind = HandleKind.DIRECTORY; // a directory stream's first fd is opened like a file; the OS knows better
        }
        return new HandleView(r.fd, r.generation, name(kind), description, r.thread, r.timeMillis, frames(r));
    }

    private static String name(HandleKind kind) {
        return kind == null ? HandleKind.UNKNOWN.name() : kind.name();
    }

    /**
     * Untraced handles by number. A class, not {@code comparingInt(UntracedView::handle)}: a lambda is a class spun at
     * run time, and every report at exit sorts these.
     */
    private static final java.util.Comparator<UntracedView> BY_HANDLE = new ByHandle();

    private static final class ByHandle implements java.util.Comparator<UntracedView> {
        @Override
        public int compare(UntracedView a, UntracedView b) {
            return Integer.compare(a.handle(), b.handle());
        }
    }
}
