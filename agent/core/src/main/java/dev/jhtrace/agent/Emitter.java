package dev.jhtrace.agent;

/**
 * Receives the descriptors a {@link HookPoint} finds in a hooked object and publishes one event for each.
 *
 * <p>One per thread, reused: a hook that finds several descriptors (a selector, a pipe) publishes them
 * with one shared stack, so the handles are attributed to the owner's single open or close.
 */
final class Emitter {
    private final EventRing ring;
    private TraceType type;
    private boolean reclaimed;
    private boolean agent;
    private Throwable stack;
    private int traceId;

    Emitter(EventRing ring) {
        this.ring = ring;
    }

    void begin(TraceType type, boolean reclaimed, boolean agent) {
        this.type = type;
        this.reclaimed = reclaimed;
        this.agent = agent;
        this.stack = null;
        this.traceId = 0;
    }

    /**
     * Publishes one descriptor.
     *
     * @param fd          the number; negative values are ignored
     * @param kind        what it refers to
     * @param description path or description, or {@code null}
     * @param descriptor  the {@link java.io.FileDescriptor} object holding it, or {@code null}
     */
    void fd(int fd, HandleKind kind, String description, Object descriptor) {
        if (fd < 0 && type != TraceType.BAD_REFERENCE || agent && type == TraceType.BAD_REFERENCE) {
            return;
        }
        if (stack == null && traceId <= 0 && !agent) {
            // one capture per hooked call, shared by all its descriptors; resolved lazily off this thread.
            // The agent's own handles need no stack: they are only accounted for, never shown. The native
            // module's capture allocates nothing and stores each distinct stack once; Java's is the fallback
            if (NativeHooks.fastStacks) {
                traceId = NativeHooks.captureStack0();
            }
            if (traceId <= 0) {
                stack = new Throwable();
            }
        }
        long seq = ring.tryClaim();
        if (seq < 0) {
            return;
        }
        HandleEvent e = ring.slot(seq);
        e.command = null;
        e.type = type;
        e.fd = fd;
        e.kind = kind;
        e.description = description;
        e.thread = Thread.currentThread().getName();
        e.timeMillis = System.currentTimeMillis();
        e.nanos = System.nanoTime();
        e.frames = null;
        e.stack = stack;
        e.traceId = traceId > 0 ? traceId : 0;
        e.descriptorId = descriptor == null ? 0 : System.identityHashCode(descriptor);
        e.reclaimed = reclaimed;
        e.agent = agent;
        ring.publish(seq);
    }

    void end() {
        stack = null;
        traceId = 0;
    }
}
