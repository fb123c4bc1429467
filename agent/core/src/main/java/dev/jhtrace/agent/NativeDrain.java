package dev.jhtrace.agent;

import dev.jhtrace.agent.jni.JavaThreadNames;
import dev.jhtrace.agent.jni.LibraryNames;
import dev.jhtrace.agent.jni.NativeContract;
import dev.jhtrace.agent.jni.NativeFrames;
import dev.jhtrace.agent.jni.NativeHooks;
import dev.jhtrace.agent.jni.NativeRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * class/method/file/line (cached per method), the caller's address to {@code lib.so!symbol+0x1a}, the thread's
 * JNIEnv to its Java name. Events keep the time the hook took (the clock of {@link System#nanoTime()}), so the
 * analyzer can order them against events of the Java hooks that overtook them.
 */
final class NativeDrain implements Runnable {
    /** Class name marking a native frame in a stack; its method name is {@code lib.so!symbol+0x1a}. */
    static final String NATIVE_FRAME = dev.jhtrace.agent.report.NativeFrame.CLASS_NAME;

    private final EventRing ring;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, String> calls = new HashMap<>();

    /**
     * Native callers' names by code address: naming one reads the library's symbol table (a file), once per address.
     * Used under the drain's lock; emptied when it grows past {@value #MAX_SYMBOLS} (a JIT-heavy FFM program).
     */
    private final Map<Long, String> symbols = new HashMap<>();

    private static final int MAX_SYMBOLS = 16_384;

    /** Java names of the threads events come from; used under the drain's lock. */
    private final JavaThreadNames threadNames = new JavaThreadNames();

    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong badRecords = new java.util.concurrent.atomic.AtomicLong();

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
            while (buffer.hasRemaining()) {
                int start = buffer.position();
                int size = NativeRecord.size(buffer, start);
                if (size < 0) {
                    // the rest of the batch cannot be framed: skipped and counted, and the next batch starts clean
                    badRecords.incrementAndGet();
                    AgentLog.once(
                            "native-record",
                            "jhtrace: unreadable native events skipped (reports count them): header "
                                    + buffer.getInt(start) + "/" + buffer.limit() + "/" + start);
                    break;
                }
                try {
                    publish(NativeRecord.read(buffer, start));
                } catch (RuntimeException | LinkageError e) {
                    badRecords.incrementAndGet();
                    AgentLog.once(
                            "native-record",
                            "jhtrace: a native event could not be read and is skipped (reports count them): " + e);
                }
                buffer.position(start + size);
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

    private void publish(NativeRecord r) {
        List<StackTraceElement> frames = new ArrayList<>(r.frames.length / 2 + 1);
        if (symbols.size() > MAX_SYMBOLS) {
            symbols.clear();
        }
        // get and put, not computeIfAbsent's lambdas: each a class spun at run time (CONTRIBUTING.md)
        String symbol = symbols.get(r.caller);
        if (symbol == null && !symbols.containsKey(r.caller)) {
            symbol = LibraryNames.stableFrame(NativeHooks.symbol0(r.caller));
            symbols.put(r.caller, symbol);
        }
        String callName = calls.get(r.call);
        if (callName == null) {
            callName = NativeHooks.hookName0(r.call);
            calls.put(r.call, callName);
        }
        frames.add(new StackTraceElement(
                NATIVE_FRAME, (symbol != null ? symbol : "(FFM downcall)") + " -> " + callName, null, -2));
        for (int i = 0; i < r.frames.length; i += 2) {
            StackTraceElement f = NativeFrames.frame(r.frames[i], r.frames[i + 1]);
            if (!hidden(f.getClassName())) {
                frames.add(f);
            }
        }
        int fd = r.fd;
        long seq = ring.tryClaim(fd);
        if (seq < 0) {
            return;
        }
        TraceType type = r.type == NativeContract.EVENT_OPEN
                ? TraceType.OPEN
                : r.type == NativeContract.EVENT_CLOSE ? TraceType.CLOSE : TraceType.BAD_REFERENCE;
        // the hook read the kernel's name (PR_GET_NAME) and the JNIEnv: no /proc file is opened here, where the program
        // could close it; the JNIEnv gives the Java name (the kernel's is cut at 15 bytes, and is "java" for main)
        String thread = threadNames.nameOf(r.env, r.tid, r.thread);
        ring.slot(seq)
                .fill(
                        type,
                        fd,
                        kind(callName),
                        r.path,
                        thread != null ? thread : "tid " + r.tid,
                        r.nanos,
                        0,
                        null,
                        frames,
                        null,
                        0,
                        r.drops,
                        false,
                        false);
        ring.publish(seq);
    }

    /** Frames Java's own stack traces hide: method-handle plumbing between the program and an FFM downcall. */
    private static boolean hidden(String cls) {
        return cls.contains("LambdaForm$")
                || cls.startsWith("java.lang.invoke.") && cls.contains("$Holder")
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
            case "timerfd_create" -> HandleKind.TIMERFD;
            case "opendir" -> HandleKind.DIRECTORY;
            case "close", "close_range", "fclose", "closedir", "dup", "dup2", "dup3", "fcntl", "fcntl64" ->
                HandleKind.UNKNOWN;
            default -> HandleKind.FILE;
        };
    }
}
