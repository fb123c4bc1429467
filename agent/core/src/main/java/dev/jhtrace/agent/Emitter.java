package dev.jhtrace.agent;

import dev.jhtrace.agent.hook.HookPoint;

/**
 * Collects the descriptors a {@link HookPoint} finds in a hooked object, then publishes one event for each,
 * all with the one stack captured for the hooked call.
 *
 * <p>One per thread, reused: collecting first lets the capture happen once, after the descriptors are known
 * (a close of an already closed object finds none and costs no stack) and at a fixed call depth, so that the
 * native capture can leave the agent's own frames out without walking them twice.
 */
public final class Emitter {
    /** The most descriptors one hooked call yields (a WatchService has three; a child process's pipes three). */
    private static final int MAX_FDS = 8;

    /**
     * {@code jfr=true}: JFR events too. Read here, not in {@code JfrEvents}, so that a JVM without it never loads a
     * class of {@code jdk.jfr}.
     */
    static volatile boolean jfr;

    private final EventRing ring;
    private final int[] fds = new int[MAX_FDS];
    private final HandleKind[] kinds = new HandleKind[MAX_FDS];
    private final String[] descriptions = new String[MAX_FDS];
    private final Object[] descriptors = new Object[MAX_FDS];
    private final int[] descriptorIds = new int[MAX_FDS];
    private int count;
    private TraceType type;
    private boolean reclaimed;
    private boolean agent;

    Emitter(EventRing ring) {
        this.ring = ring;
    }

    void begin(TraceType type, boolean reclaimed, boolean agent) {
        if (this.type != type) {
            this.type = type;
        }
        this.reclaimed = reclaimed;
        this.agent = agent;
        this.count = 0;
    }

    /**
     * Adds one descriptor.
     *
     * @param fd          the number; negative values are ignored (except for bad references, which may not know it)
     * @param kind        what it refers to
     * @param description path or description, or {@code null}
     * @param descriptor  the {@link java.io.FileDescriptor} object holding it, or {@code null}
     */
    public void fd(int fd, HandleKind kind, String description, Object descriptor) {
        if (fd < 0 && type != TraceType.BAD_REFERENCE || agent && type == TraceType.BAD_REFERENCE || count == MAX_FDS) {
            return;
        }
        fds[count] = fd;
        // stored only when they differ: a reference stored into this long-lived object costs G1 a card (see
        // HandleEvent#fill); a path is kept until the next, which is no object of the program's that matters to its GC
        if (kinds[count] != kind) {
            kinds[count] = kind;
        }
        if (descriptions[count] != description) {
            descriptions[count] = description;
        }
        boolean hashed = type == TraceType.CLOSE && fd >= 0 && OpenIdentities.closing(fd);
        if (type == TraceType.CLOSE && descriptor != null && hashed) {
            // an open of this number was hashed by a hook: most likely this very object, whose identity then costs no
            // monitor (a stale mark costs one inflation, and the identity is still this object's); no object made
            descriptorIds[count] = System.identityHashCode(descriptor);
            if (descriptors[count] != null) {
                descriptors[count] = null;
            }
        } else if (type == TraceType.CLOSE && descriptor != null) {
            // the analyzer uses the identity taken at the open; this weak reference is for a close whose open it did
            // not see with the object (a channel's number came from a native open): see HandleEvent.descriptor
            descriptors[count] = new java.lang.ref.WeakReference<>(descriptor);
            descriptorIds[count] = 0;
        } else {
            // an open or a bad reference holds no monitor of the descriptor: its identity is taken here, nothing kept
            int id = descriptor != null ? System.identityHashCode(descriptor) : 0;
            descriptorIds[count] = id;
            if (descriptors[count] != null) {
                descriptors[count] = null; // left by a capture that failed before it published
            }
            if (type == TraceType.OPEN && fd >= 0 && !agent) {
                OpenIdentities.opened(fd, id != 0);
            }
        }
        count++;
    }

    /** @return whether a stack is wanted: descriptors were found, and they are the program's */
    /** A JFR event beside the ring's: its failure costs the JFR event, never the trace. */
    private void jfr(int fd, HandleKind kind, String description) {
        try {
            dev.jhtrace.agent.jfr.JfrEvents.handle(
                    type.name(), reclaimed, fd, kind == null ? "UNKNOWN" : kind.name(), description);
        } catch (Throwable t) {
            jfr = false;
            AgentLog.once("jfr-event", "jhtrace: a JFR event failed, JFR events are off: " + t);
        }
    }

    /** @return whether the event is the agent's own (its code opened or closed the handle) */
    public boolean fromAgent() {
        return agent;
    }

    boolean wantsStack() {
        return count > 0 && !agent;
    }

    /**
     * Publishes the collected descriptors, without waiting for room in the ring.
     *
     * @param traceId the native module's interned stack, or 0
     * @param stack   the Java-captured stack when there is no {@code traceId}, or {@code null}
     */
    void publish(int traceId, Throwable stack) {
        String thread = count > 0 ? Thread.currentThread().getName() : null;
        long nanos = count > 0 ? System.nanoTime() : 0;
        for (int i = 0; i < count; i++) {
            String description = descriptions[i];
            Object descriptor = descriptors[i];
            if (descriptor != null) {
                descriptors[i] = null; // a reference to the program's descriptor object is never kept here
            }
            if (jfr && !agent) {
                jfr(fds[i], kinds[i], description);
            }
            int drops = ring.drops(fds[i]); // before the claim: see DropLedger
            long seq = ring.tryClaim(fds[i]);
            if (seq < 0) {
                continue;
            }
            ring.slot(seq)
                    .fill(
                            type,
                            fds[i],
                            kinds[i],
                            description,
                            thread,
                            nanos,
                            traceId,
                            stack,
                            null,
                            descriptor,
                            descriptorIds[i],
                            drops,
                            reclaimed,
                            agent);
            ring.publish(seq);
        }
        count = 0;
    }
}
