package dev.jhtrace.agent.jfr;

import java.util.List;
import jdk.jfr.FlightRecorder;

/**
 * JFR events for handles ({@code jfr=true}): {@code dev.jhtrace.HandleOpened}, {@code HandleClosed},
 * {@code HandleBadReference} and {@code HandleReclaimed} as they happen, and {@code OpenHandles} every second, so
 * that a recording ({@code -XX:StartFlightRecording}, {@code jcmd JFR.start}) shows them in JDK Mission Control and
 * {@code jfr print}. Off by default: each event costs an allocation and, while a recording runs, a stack walk by
 * JFR on the application thread. Nothing of {@code jdk.jfr} is loaded until it is switched on.
 */
public final class JfrEvents {
    /** Whether events are committed; read by the capture on every hooked call. */
    private static volatile boolean on;

    private static boolean periodicAdded;
    private static volatile Counts counts;

    private JfrEvents() {}

    /** The open-handle counts for the periodic event, read on JFR's own thread. */
    public interface Counts {
        /** @return open handles by {@code HandleKind} ordinal: FILE, DIRECTORY, SOCKET, PIPE, EPOLL, EVENTFD, ... */
        int[] openByKind();
    }

    /**
     * Switches the events on or off.
     *
     * @param enable  on or off
     * @param source  the counts for the periodic event
     * @return null, or why the events cannot be had (no {@code jdk.jfr} module in this runtime)
     */
    public static synchronized String set(boolean enable, Counts source) {
        if (!enable) {
            on = false;
            return null;
        }
        try {
            counts = source;
            if (!periodicAdded) {
                FlightRecorder.addPeriodicEvent(OpenHandles.class, JfrEvents::emitCounts);
                periodicAdded = true;
            }
            on = true;
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "no JFR events (" + e + ")";
        }
    }

    /** @return whether events are committed */
    public static boolean isOn() {
        return on;
    }

    /**
     * On the thread that opened, closed or used the handle (JFR takes its stack).
     *
     * @param type        OPEN, CLOSE or BAD_REFERENCE
     * @param reclaimed   a close by the GC's cleaner
     * @param handle      the descriptor
     * @param kind        its kind
     * @param description its path or endpoints
     */
    public static void handle(String type, boolean reclaimed, int handle, String kind, String description) {
        HandleEvent e;
        switch (type) {
            case "OPEN" -> e = new HandleOpened();
            case "CLOSE" -> {
                HandleClosed c = new HandleClosed();
                c.reclaimed = reclaimed;
                e = c;
            }
            default -> e = new HandleBadReference();
        }
        if (e.isEnabled()) {
            e.handle = handle;
            e.kind = kind;
            e.description = description;
            e.commit();
        }
    }

    /**
     * On the analyzer thread, which knows where a reclaimed handle was opened.
     *
     * @param handle      the descriptor
     * @param kind        its kind
     * @param description its path or endpoints
     * @param site        the leak site
     * @param openStack   the open stack, innermost first
     * @param openedBy    the opening thread
     * @param openedAt    when, epoch milliseconds
     */
    public static void reclaimed(
            int handle,
            String kind,
            String description,
            String site,
            List<StackTraceElement> openStack,
            String openedBy,
            long openedAt) {
        HandleReclaimed e = new HandleReclaimed();
        if (!e.isEnabled()) {
            return;
        }
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement f : openStack) {
            stack.append(stack.length() == 0 ? "" : "\n").append(f);
        }
        e.handle = handle;
        e.kind = kind;
        e.description = description;
        e.site = site;
        e.openStack = stack.toString();
        e.openedBy = openedBy;
        e.openedAt = openedAt;
        e.commit();
    }

    private static void emitCounts() {
        Counts c = counts;
        if (!on || c == null) {
            return;
        }
        int[] k = c.openByKind(); // FILE, DIRECTORY, SOCKET, PIPE, EPOLL, EVENTFD, INOTIFY, TIMERFD, UNKNOWN
        OpenHandles e = new OpenHandles();
        e.files = k[0] + k[1];
        e.sockets = k[2];
        e.pipes = k[3];
        for (int i = 4; i < k.length; i++) {
            e.other += k[i];
        }
        e.total = e.files + e.sockets + e.pipes + e.other;
        e.commit();
    }
}
