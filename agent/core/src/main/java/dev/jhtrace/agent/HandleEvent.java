package dev.jhtrace.agent;

/**
 * One slot of the ring: preallocated, overwritten by producers, read by the analyzer.
 *
 * <p>Fields are plain: the Disruptor's sequence publication orders the writes before the analyzer reads.
 */
public final class HandleEvent {
    /** Fills the ring with empty events (a class, not {@code HandleEvent::new}: no lambda to spin in premain). */
    static final com.lmax.disruptor.EventFactory<HandleEvent> FACTORY = new com.lmax.disruptor.EventFactory<>() {
        @Override
        public HandleEvent newInstance() {
            return new HandleEvent();
        }
    };

    /** Trace type, or {@code null} for a command slot. */
    TraceType type;
    /** The descriptor number, or -1 when unknown (a bad reference to a handle we never saw). */
    int fd;
    /** What the descriptor refers to. */
    HandleKind kind;
    /** Path or description known at the hook, or {@code null}. */
    String description;
    /** Name of the thread that did it. */
    String thread;
    /** Wall-clock time in milliseconds, or 0 for the analyzer to derive it from {@link #nanos}. */
    long timeMillis;
    /** {@link System#nanoTime()} when it happened: orders native events against Java ones that overtook them. */
    long nanos;
    /** Interned native stack id (Java hooks with the native module), 0 when {@link #stack} or {@link #frames} hold it. */
    int traceId;
    /** Already resolved frames (native events), used when {@link #stack} is null. */
    java.util.List<StackTraceElement> frames;
    /** The stack, captured but not yet resolved to frames. */
    Throwable stack;
    /** Identity of the {@link java.io.FileDescriptor} object involved (0 if none): links a bad reference to its close. */
    int descriptorId;
    /**
     * For a CLOSE, a {@link java.lang.ref.WeakReference} to the {@link java.io.FileDescriptor} object, whose identity
     * the analyzer takes ({@link #descriptorId}). Not the hook: its first identity hash inflates the object's monitor
     * when the hooked method holds it ({@code FileDescriptor.close} is synchronized), which costs the application
     * thread a microsecond and the JVM a monitor to deflate later. Weak, because the descriptor refers to its stream:
     * a strong reference kept a stream the program had closed and dropped alive until the analyzer came by, and the
     * program's own GC-driven code (a cleaner, a {@code FileCleaningTracker}) saw it collected later than without
     * the agent. A descriptor already collected cannot be used again, so it needs no identity.
     */
    Object descriptor;
    /** The {@link DropLedger} count for {@link #fd} when the event was made (OPEN: vouches for the handle later). */
    int drops;
    /** True when the close ran on the GC cleaner: the program dropped the handle without closing it. */
    boolean reclaimed;
    /** True when agent code opened or closed it: accounted for, never reported as the program's. */
    boolean agent;
    /** A command to run on the analyzer thread, in order with the events. */
    Runnable command;

    void clear() {
        type = null;
        kind = null;
        description = null;
        thread = null;
        stack = null;
        frames = null;
        traceId = 0;
        command = null;
        descriptorId = 0;
        descriptor = null;
        reclaimed = false;
        agent = false;
        drops = 0;
        fd = -1;
    }
}
