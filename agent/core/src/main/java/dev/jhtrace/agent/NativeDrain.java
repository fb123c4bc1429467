package dev.jhtrace.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves events from the native ring to the Disruptor ring, on one agent thread.
 *
 * <p>Everything the hooks recorded raw is resolved here, off the application threads: method ids to
 * class/method/file/line (cached per method), the caller's address to {@code lib.so!symbol+0x1a}, the thread id
 * to the thread's name. Events keep the time the hook took (the clock of {@link System#nanoTime()}), so the
 * analyzer can order them against events of the Java hooks that overtook them.
 */
final class NativeDrain implements Runnable {
    /** Class name marking a native frame in a stack; its method name is {@code lib.so!symbol+0x1a}. */
    static final String NATIVE_FRAME = dev.jhtrace.agent.report.JsonReportWriter.NATIVE_FRAME;

    private final EventRing ring;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, String> calls = new HashMap<>();
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong badRecords = new java.util.concurrent.atomic.AtomicLong();
    /** The record layout of {@code drain0} (jhtrace_jni.c): eight ints, two longs, the thread's name (16 bytes); then
     *  the path and the frames. */
    private static final int HEADER = 64;
    private static final int NAME_BYTES = 16;
    private static final int MAX_PATH = 256;
    private static final int MAX_FRAMES = 64;

    NativeDrain(EventRing ring) {
        this.ring = ring;
    }

    /** Starts the drain thread. */
    void start() {
        Thread t = new Thread(AgentThreads.wrap(this), "jhtrace-native-drain");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        while (running) {
            int drained;
            try {
                drained = drainOnce();
            } catch (RuntimeException e) {
                // one unreadable batch must not stop the draining: the native ring would fill and drop everything after
                badRecords.incrementAndGet();
                AgentLog.once("drain", "jhtrace: native events skipped (reports count them): " + e);
                drained = 0;
            }
            if (drained == 0) {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** Moves everything the hooks recorded so far; used before a report so that it includes native events. */
    void flush() {
        while (drainOnce() > 0) {
            // until the native ring is empty
        }
    }

    private int drainOnce() {
        lock.lock();
        try {
            buffer.clear();
            int bytes;
            try {
                bytes = NativeHooks.drain0(buffer);
            } catch (LinkageError e) {
                AgentLog.once("native-drain", "jhtrace: native event drain failed (native events are lost): " + e);
                running = false;
                return 0;
            }
            buffer.limit(Math.max(0, Math.min(bytes, buffer.capacity())));
            int events = 0;
            while (buffer.remaining() >= HEADER) {
                int start = buffer.position();
                int pathLength = buffer.getInt(start + 24);
                int nframes = buffer.getInt(start + 20);
                long size = HEADER + ((pathLength + 7L) & ~7L) + nframes * 16L;
                if (pathLength < 0 || pathLength > MAX_PATH || nframes < 0 || nframes > MAX_FRAMES || size > buffer.remaining()) {
                    // the rest of the batch cannot be framed: skipped and counted, and the next batch starts clean
                    badRecords.incrementAndGet();
                    AgentLog.once("native-record", "jhtrace: unreadable native events skipped (reports count them): header "
                            + buffer.getInt(start) + "/" + nframes + "/" + pathLength);
                    break;
                }
                try {
                    publish();
                } catch (RuntimeException | LinkageError e) {
                    badRecords.incrementAndGet();
                    AgentLog.once("native-record", "jhtrace: a native event could not be read and is skipped (reports count them): " + e);
                }
                buffer.position(start + (int) size);
                events++;
            }
            return events;
        } finally {
            lock.unlock();
        }
    }

    /** @return native events that could not be read and were skipped */
    long badRecords() {
        return badRecords.get();
    }

    private void publish() {
        int type = buffer.getInt();
        int fd = buffer.getInt();
        buffer.getInt(); // errno
        int tid = buffer.getInt();
        int call = buffer.getInt();
        int nframes = buffer.getInt();
        int pathLength = buffer.getInt();
        int drops = buffer.getInt(); // the drop ledger's count for fd when the hook recorded it
        long nanos = buffer.getLong();
        long caller = buffer.getLong();
        byte[] name = new byte[NAME_BYTES];
        buffer.get(name);
        int nameLength = 0;
        while (nameLength < NAME_BYTES && name[nameLength] != 0) {
            nameLength++;
        }
        byte[] path = new byte[pathLength];
        buffer.get(path);
        buffer.position(buffer.position() + ((pathLength + 7) & ~7) - pathLength);
        List<StackTraceElement> frames = new ArrayList<>(nframes + 1);
        String symbol = NativeHooks.symbol0(caller);
        String callName = calls.computeIfAbsent(call, NativeHooks::hookName0);
        frames.add(new StackTraceElement(NATIVE_FRAME, (symbol != null ? symbol : "(FFM downcall)") + " -> " + callName, null, -2));
        for (int i = 0; i < nframes; i++) {
            long method = buffer.getLong();
            long location = buffer.getLong();
            StackTraceElement f = NativeFrames.frame(method, location);
            if (!hidden(f.getClassName())) {
                frames.add(f);
            }
        }
        long seq = ring.tryClaim(fd);
        if (seq < 0) {
            return;
        }
        HandleEvent e = ring.slot(seq);
        e.command = null;
        e.type = type == 1 ? TraceType.OPEN : type == 2 ? TraceType.CLOSE : TraceType.BAD_REFERENCE;
        e.fd = fd;
        e.kind = kind(callName);
        e.description = pathLength > 0 ? new String(path, StandardCharsets.UTF_8) : null;
        // the hook read the name (PR_GET_NAME): no /proc file is opened here, where the program could close it
        e.thread = nameLength > 0 ? new String(name, 0, nameLength, StandardCharsets.UTF_8) : "tid " + tid;
        e.timeMillis = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000;
        e.nanos = nanos;
        e.stack = null;
        e.frames = frames;
        e.descriptorId = 0;
        e.reclaimed = false;
        e.agent = false;
        e.drops = drops;
        ring.publish(seq);
    }

    /** Frames Java's own stack traces hide: method-handle plumbing between the program and an FFM downcall. */
    private static boolean hidden(String cls) {
        return cls.contains("LambdaForm$") || cls.startsWith("java.lang.invoke.") && cls.contains("$Holder")
                || cls.startsWith("jdk.internal.foreign.abi.DowncallStub");
    }

    static HandleKind kind(String call) {
        if (call == null) {
            return HandleKind.UNKNOWN;
        }
        return switch (call) {
            case "socket", "socketpair", "accept", "accept4", "recvmsg" -> HandleKind.SOCKET;
            case "pipe", "pipe2" -> HandleKind.PIPE;
            case "eventfd" -> HandleKind.EVENTFD;
            case "epoll_create", "epoll_create1" -> HandleKind.EPOLL;
            case "inotify_init", "inotify_init1" -> HandleKind.INOTIFY;
            case "opendir" -> HandleKind.DIRECTORY;
            case "close", "close_range", "fclose", "closedir", "dup", "dup2", "dup3", "fcntl", "fcntl64" -> HandleKind.UNKNOWN;
            default -> HandleKind.FILE;
        };
    }
}
