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

    /** Trace type (a command slot may hold its last event's: {@link #command} is looked at first). */
    TraceType type;
    /** The descriptor number, or -1 when unknown (a bad reference to a handle we never saw). */
    int fd;
    /** What the descriptor refers to. */
    HandleKind kind;
    /** Path or description known at the hook, or {@code null}. */
    String description;
    /** Name of the thread that did it. */
    String thread;
    /** Wall-clock time in milliseconds: the analyzer derives it from {@link #nanos}. */
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

    /**
     * Fills this slot with one event: every field a producer gives, in this one place (the Disruptor's translator
     * idiom), so that no producer leaves a field from the slot's last use or sets one differently from another. The
     * wall-clock time is the analyzer's to derive from {@code nanos} (one clock read per event in the hook).
     *
     * @param type         what happened
     * @param fd           the descriptor number, -1 when unknown
     * @param kind         what it refers to
     * @param description  path or endpoint, or null
     * @param thread       the thread's name
     * @param nanos        {@link System#nanoTime()} when it happened
     * @param traceId      the native module's interned stack, or 0
     * @param stack        the Java-captured stack, or null
     * @param frames       frames already resolved (native events), or null
     * @param descriptor   for a CLOSE: a weak reference to the {@link java.io.FileDescriptor}, or null
     * @param descriptorId the descriptor object's identity taken in the hook, or 0
     * @param drops        the {@link DropLedger} count for fd, read before the slot was claimed
     * @param reclaimed    the close ran on the GC's cleaner
     * @param agent        agent code did it
     */
    void fill(
            TraceType type,
            int fd,
            HandleKind kind,
            String description,
            String thread,
            long nanos,
            int traceId,
            Throwable stack,
            java.util.List<StackTraceElement> frames,
            Object descriptor,
            int descriptorId,
            int drops,
            boolean reclaimed,
            boolean agent) {
        // a reference stored into this long-lived slot costs G1 a card to mark and refine (a fence on the
        // application thread, CPU on G1's threads): with two threads on two cores that was a third of the agent's
        // cost. The slot keeps what is not the program's (enums, the thread's name) for the next event to find
        // there already
        if (command != null) {
            command = null;
        }
        if (this.type != type) {
            this.type = type;
        }
        this.fd = fd;
        if (this.kind != kind) {
            this.kind = kind;
        }
        if (this.description != description) {
            this.description = description;
        }
        if (this.thread != thread) {
            this.thread = thread;
        }
        this.timeMillis = 0;
        this.nanos = nanos;
        this.traceId = Math.max(traceId, 0);
        if (this.stack != stack) {
            this.stack = stack;
        }
        if (this.frames != frames) {
            this.frames = frames;
        }
        if (this.descriptor != descriptor) {
            this.descriptor = descriptor;
        }
        this.descriptorId = descriptorId;
        this.drops = drops;
        this.reclaimed = reclaimed;
        this.agent = agent;
    }

    /**
     * Forgets what holds the program's objects (kept: the type, the kind, the path and the thread's name, which the next
     * event most often stores again, see {@link #fill}).
     */
    void clear() {
        if (stack != null) {
            stack = null;
        }
        if (frames != null) {
            frames = null;
        }
        traceId = 0;
        if (command != null) {
            command = null;
        }
        descriptorId = 0;
        if (descriptor != null) {
            descriptor = null;
        }
        reclaimed = false;
        agent = false;
        drops = 0;
        fd = -1;
    }
}
