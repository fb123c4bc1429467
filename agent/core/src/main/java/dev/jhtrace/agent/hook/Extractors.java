package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AutoReports;
import dev.jhtrace.agent.Emitter;
import dev.jhtrace.agent.HandleKind;
import dev.jhtrace.agent.control.HtraceMBeanImpl;
import dev.jhtrace.agent.os.DescriptorExhaustion;
import java.io.FileDescriptor;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.nio.channels.Channel;

/**
 * How each {@link HookPoint} finds its descriptors in the objects its advice hands over.
 *
 * <p>All of these run on the application thread inside the hooked JDK call, so that a descriptor is read
 * before anything can close or reuse it. They never throw (the caller catches) and read fields through
 * {@link JdkAccess}.
 */
public final class Extractors {
    /** {@code O_DIRECTORY}: 0200000 on x86_64, 040000 on aarch64 and most others. */
    private static final int O_DIRECTORY = System.getProperty("os.arch", "").contains("64")
                    && !System.getProperty("os.arch", "").contains("aarch64")
            ? 0x10000
            : 0x4000;

    private Extractors() {}

    /**
     * Reads the descriptors a hooked call created, closes or misused, and hands each to the emitter.
     *
     * @param how    which reading the hook point needs
     * @param owner  the object the hook passed (receiver, argument or returned value)
     * @param detail what the site knows besides (a path), or {@code null}
     * @param fd     the descriptor number for int-valued sites, else -1
     * @param flags  the open flags for int-valued open sites, else 0
     * @param out    where to send each descriptor
     */
    public static void extract(Extraction how, Object owner, Object detail, int fd, int flags, Emitter out) {
        // a switch rather than one lambda per hook point: lambdas are classes spun at start-up, in premain's time
        switch (how) {
            case FILE_STREAM -> fileStream(owner, detail, fd, flags, out);
            case NATIVE_OPEN -> nativeOpen(owner, detail, fd, flags, out);
            case SECURE_DIRECTORY_STREAM -> secureDirectoryStream(owner, detail, fd, flags, out);
            case SOCKET -> socket(owner, detail, fd, flags, out);
            case PIPE -> pipe(owner, detail, fd, flags, out);
            case SELECTOR -> selector(owner, detail, fd, flags, out);
            case WATCH_SERVICE -> watchService(owner, detail, fd, flags, out);
            case WATCH_SERVICE_CLOSE -> watchServiceClose(owner, detail, fd, flags, out);
            case EPOLL_PORT -> epollPort(owner, detail, fd, flags, out);
            case PROCESS_STREAMS -> processStreams(owner, detail, fd, flags, out);
            case DESCRIPTOR -> descriptor(owner, detail, fd, flags, out);
            case FILE_CLEANABLE -> fileCleanable(owner, detail, fd, flags, out);
            case INT_FD -> intFd(owner, detail, fd, flags, out);
            case DIRECTORY_STREAM_CLOSE -> directoryStreamClose(owner, detail, fd, flags, out);
            case PLATFORM_M_BEAN_SERVER -> platformMBeanServer(owner, detail, fd, flags, out);
            case BAD_REFERENCE -> badReference(owner, detail, fd, flags, out);
            case OPEN_FAILED -> openFailed(owner, detail, fd, flags, out);
            default -> throw new IllegalArgumentException(how.name());
        }
    }

    static void fileStream(Object owner, Object detail, int fd, int flags, Emitter out) {
        FileDescriptor d = JdkAccess.descriptorOf(owner);
        out.fd(JdkAccess.fdValue(d), HandleKind.FILE, detail == null ? null : detail.toString(), d);
    }

    static void nativeOpen(Object owner, Object detail, int fd, int flags, Emitter out) {
        String path = detail instanceof byte[] ? new String((byte[]) detail) : String.valueOf(detail);
        out.fd(fd, (flags & O_DIRECTORY) != 0 ? HandleKind.DIRECTORY : HandleKind.FILE, path, null);
    }

    static void secureDirectoryStream(Object owner, Object detail, int fd, int flags, Emitter out) {
        // the stream keeps a dup of the directory's fd for openat(); the DIR holds the original (hooked at open)
        out.fd(JdkAccess.intField(owner, "dfd"), HandleKind.DIRECTORY, detail == null ? null : detail.toString(), null);
    }

    static void socket(Object owner, Object detail, int fd, int flags, Emitter out) {
        FileDescriptor d = JdkAccess.descriptorOf(owner);
        out.fd(JdkAccess.fdValue(d), HandleKind.SOCKET, null, d);
    }

    static void pipe(Object owner, Object detail, int fd, int flags, Emitter out) {
        FileDescriptor source = JdkAccess.descriptorOf(JdkAccess.field(owner, "source"));
        FileDescriptor sink = JdkAccess.descriptorOf(JdkAccess.field(owner, "sink"));
        out.fd(JdkAccess.fdValue(source), HandleKind.PIPE, "Pipe.source", source);
        out.fd(JdkAccess.fdValue(sink), HandleKind.PIPE, "Pipe.sink", sink);
    }

    static void selector(Object owner, Object detail, int fd, int flags, Emitter out) {
        out.fd(JdkAccess.intField(owner, "epfd"), HandleKind.EPOLL, "Selector", null);
        out.fd(
                JdkAccess.intField(JdkAccess.field(owner, "eventfd"), "efd"),
                HandleKind.EVENTFD,
                "Selector wakeup",
                null);
    }

    static void watchService(Object owner, Object detail, int fd, int flags, Emitter out) {
        out.fd(JdkAccess.intField(owner, "ifd"), HandleKind.INOTIFY, "WatchService", null);
        pair(JdkAccess.field(owner, "socketpair"), "WatchService wakeup", out);
    }

    static void watchServiceClose(Object owner, Object detail, int fd, int flags, Emitter out) {
        watchService(JdkAccess.field(owner, "poller"), detail, fd, flags, out);
    }

    static void epollPort(Object owner, Object detail, int fd, int flags, Emitter out) {
        out.fd(JdkAccess.intField(owner, "epfd"), HandleKind.EPOLL, "AsynchronousChannelGroup", null);
        pair(JdkAccess.field(owner, "sp"), "AsynchronousChannelGroup wakeup", out);
    }

    private static void pair(Object fds, String description, Emitter out) {
        if (fds instanceof int[]) {
            for (int f : (int[]) fds) {
                out.fd(f, HandleKind.SOCKET, description, null);
            }
        }
    }

    static void processStreams(Object owner, Object detail, int fd, int flags, Emitter out) {
        String pid = String.valueOf(JdkAccess.intField(owner, "pid"));
        stream(JdkAccess.field(owner, "stdin"), "stdin of process " + pid, out);
        stream(JdkAccess.field(owner, "stdout"), "stdout of process " + pid, out);
        stream(JdkAccess.field(owner, "stderr"), "stderr of process " + pid, out);
    }

    private static void stream(Object s, String description, Emitter out) {
        // ProcessPipe*Stream wraps a File*Stream in a Buffered*Stream; redirected streams hold no descriptor
        for (int i = 0; i < 4 && (s instanceof FilterInputStream || s instanceof FilterOutputStream); i++) {
            s = JdkAccess.field(s, s instanceof FilterInputStream ? "in" : "out");
        }
        FileDescriptor d = JdkAccess.descriptorOf(s);
        if (d != null) {
            out.fd(JdkAccess.fdValue(d), HandleKind.PIPE, description, d);
        }
    }

    static void descriptor(Object owner, Object detail, int fd, int flags, Emitter out) {
        FileDescriptor d = JdkAccess.descriptorOf(owner);
        out.fd(JdkAccess.fdValue(d), HandleKind.UNKNOWN, null, d);
    }

    static void fileCleanable(Object owner, Object detail, int fd, int flags, Emitter out) {
        out.fd(JdkAccess.intField(owner, "fd"), HandleKind.UNKNOWN, null, null);
    }

    static void intFd(Object owner, Object detail, int fd, int flags, Emitter out) {
        out.fd(fd, HandleKind.UNKNOWN, null, null);
    }

    static void directoryStreamClose(Object owner, Object detail, int fd, int flags, Emitter out) {
        if (Boolean.TRUE.equals(JdkAccess.field(owner, "isClosed"))) {
            return;
        }
        Object dp = JdkAccess.field(owner, "dp");
        if (dp instanceof Long && (Long) dp != 0L) {
            // glibc's struct __dirstream starts with its int fd; closedir() itself is native and unhookable
            out.fd(JdkAccess.readNativeInt((Long) dp), HandleKind.DIRECTORY, null, null);
        }
    }

    static void platformMBeanServer(Object owner, Object detail, int fd, int flags, Emitter out) {
        HtraceMBeanImpl.platformServerCreated(owner); // not a handle: the moment the agent's MBean can be registered
    }

    /**
     * An open, socket or accept failed: not a handle, but when it failed for want of descriptors ("Too many open files",
     * the JDK's text of EMFILE and ENFILE in every exception it makes of them, in the JVM's locale) the moment for a
     * report.
     */
    static void openFailed(Object owner, Object detail, int fd, int flags, Emitter out) {
        Object failure = detail != null ? detail : owner; // thrown, or returned by UnixException.translateToIOException
        if (!out.fromAgent() && failure instanceof Throwable t && DescriptorExhaustion.meansOrHold(t)) {
            AutoReports.openFailed(t);
        }
    }

    static void badReference(Object owner, Object detail, int fd, int flags, Emitter out) {
        boolean closed;
        if (owner instanceof Channel) {
            closed = !((Channel) owner).isOpen();
        } else {
            Object flag = JdkAccess.field(owner, "closed");
            if (flag instanceof Boolean) {
                closed = (Boolean) flag;
            } else {
                String message = detail instanceof Throwable ? ((Throwable) detail).getMessage() : null;
                closed = message != null
                        && message.toLowerCase(java.util.Locale.ROOT).contains("closed");
            }
        }
        if (closed) {
            FileDescriptor d = JdkAccess.descriptorOf(owner);
            out.fd(-1, HandleKind.UNKNOWN, null, d);
        }
    }
}
