package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.TraceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Every JDK method jhtrace hooks, on JDK 17 through 25 (Linux).
 *
 * <p>The hooks sit where the JDK creates or closes a descriptor in Java code, as close to the
 * native call as possible, so that one hook covers every public way in (FileChannel.open, Files.newInputStream
 * and AsynchronousFileChannel all end in {@code UnixNativeDispatcher.open}). Each is matched by name
 * and, where overloads differ, by shape, so that a parameter added in a later JDK does not lose it; a hook
 * that matches nothing is reported at start-up.
 */
public final class HookPoints {
    private static final String FD = "java.io.FileDescriptor";
    private static final String FD_TYPE = "Ljava/io/FileDescriptor;";
    private static final MethodShape ANY = MethodShape.ANY;

    private HookPoints() {}

    /** @return all hook points */
    public static List<HookPoint> all() {
        List<HookPoint> p = new ArrayList<>();
        // java.io: the private open(String...) each stream constructor calls; the FileDescriptor then holds the fd
        for (String stream :
                new String[] {"java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile"}) {
            p.add(new HookPoint(
                    stream, "open", ANY, HookCode.OPENED_THIS_ARG0, TraceType.OPEN, Extraction.FILE_STREAM));
        }
        // NIO file system: FileChannel.open, Files.new*, AsynchronousFileChannel, directory streams, copies
        p.add(new HookPoint(
                "sun.nio.fs.UnixNativeDispatcher",
                "open",
                ANY.parameters(3),
                HookCode.OPENED_INT_RETURN,
                TraceType.OPEN,
                Extraction.NATIVE_OPEN));
        p.add(new HookPoint(
                "sun.nio.fs.UnixNativeDispatcher",
                "openat",
                ANY.parameters(4),
                HookCode.OPENED_AT_INT_RETURN,
                TraceType.OPEN,
                Extraction.NATIVE_OPEN));
        p.add(new HookPoint(
                "sun.nio.fs.UnixSecureDirectoryStream",
                "<init>",
                ANY,
                HookCode.OPENED_THIS_ARG0,
                TraceType.OPEN,
                Extraction.SECURE_DIRECTORY_STREAM));
        // sockets: every socket the JDK creates, and every accepted one
        // only the overloads taking a ProtocolFamily call socket0; the others delegate to them
        MethodShape withFamily = ANY.parameter(0, "Ljava/net/ProtocolFamily;").returning(FD_TYPE);
        p.add(new HookPoint(
                "sun.nio.ch.Net", "socket", withFamily, HookCode.OPENED_RETURN, TraceType.OPEN, Extraction.SOCKET));
        p.add(new HookPoint(
                "sun.nio.ch.Net",
                "serverSocket",
                withFamily,
                HookCode.OPENED_RETURN,
                TraceType.OPEN,
                Extraction.SOCKET));
        p.add(new HookPoint(
                "sun.nio.ch.UnixDomainSockets",
                "socket",
                ANY.returning(FD_TYPE),
                HookCode.OPENED_RETURN,
                TraceType.OPEN,
                Extraction.SOCKET));
        p.add(new HookPoint(
                "sun.nio.ch.ServerSocketChannelImpl",
                "implAccept",
                ANY.parameter(1, FD_TYPE),
                HookCode.OPENED_ARG1,
                TraceType.OPEN,
                Extraction.SOCKET));
        p.add(new HookPoint(
                "sun.nio.ch.NioSocketImpl",
                "accept",
                ANY.parameters(1),
                HookCode.OPENED_ARG0,
                TraceType.OPEN,
                Extraction.SOCKET));
        p.add(new HookPoint(
                "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl",
                "finishAccept",
                ANY.parameter(0, FD_TYPE),
                HookCode.OPENED_ARG0,
                TraceType.OPEN,
                Extraction.SOCKET));
        // objects owning several descriptors
        p.add(new HookPoint(
                "sun.nio.ch.PipeImpl", "<init>", ANY, HookCode.OPENED_THIS, TraceType.OPEN, Extraction.PIPE));
        p.add(new HookPoint(
                "sun.nio.ch.EPollSelectorImpl",
                "<init>",
                ANY,
                HookCode.OPENED_THIS,
                TraceType.OPEN,
                Extraction.SELECTOR));
        p.add(new HookPoint(
                "sun.nio.ch.EPollSelectorImpl",
                "implClose",
                ANY,
                HookCode.CLOSING_THIS,
                TraceType.CLOSE,
                Extraction.SELECTOR));
        p.add(new HookPoint(
                "sun.nio.fs.LinuxWatchService$Poller",
                "<init>",
                ANY,
                HookCode.OPENED_THIS,
                TraceType.OPEN,
                Extraction.WATCH_SERVICE));
        // the poller thread closes the fds, but only when the program's close() asks it to: trace that call
        p.add(new HookPoint(
                "sun.nio.fs.LinuxWatchService",
                "implClose",
                ANY,
                HookCode.CLOSING_THIS,
                TraceType.CLOSE,
                Extraction.WATCH_SERVICE_CLOSE));
        p.add(new HookPoint(
                "sun.nio.ch.EPollPort", "<init>", ANY, HookCode.OPENED_THIS, TraceType.OPEN, Extraction.EPOLL_PORT));
        p.add(new HookPoint(
                "sun.nio.ch.EPollPort",
                "implClose",
                ANY,
                HookCode.CLOSING_THIS,
                TraceType.CLOSE,
                Extraction.EPOLL_PORT));
        p.add(new HookPoint(
                "java.lang.ProcessImpl",
                "initStreams",
                ANY,
                HookCode.OPENED_THIS,
                TraceType.OPEN,
                Extraction.PROCESS_STREAMS));
        // closes
        p.add(new HookPoint(
                FD, "close", ANY.parameters(0), HookCode.CLOSING_THIS, TraceType.CLOSE, Extraction.DESCRIPTOR));
        p.add(new HookPoint(
                "java.io.FileCleanable",
                "performCleanup",
                ANY,
                HookCode.CLOSING_THIS,
                TraceType.CLOSE,
                Extraction.FILE_CLEANABLE));
        for (String dispatcher : new String[] {
            "sun.nio.ch.SocketDispatcher", "sun.nio.ch.DatagramDispatcher", "sun.nio.ch.UnixDispatcher"
        }) {
            p.add(new HookPoint(
                            dispatcher,
                            "close",
                            ANY.parameters(1).parameter(0, FD_TYPE),
                            HookCode.CLOSING_ARG0,
                            TraceType.CLOSE,
                            Extraction.DESCRIPTOR)
                    .inGroup("socket close (SocketDispatcher, DatagramDispatcher or UnixDispatcher)"));
        }
        p.add(new HookPoint(
                "sun.nio.fs.UnixNativeDispatcher",
                "close",
                ANY.parameters(1).parameter(0, "I"),
                HookCode.CLOSING_INT_ARG0,
                TraceType.CLOSE,
                Extraction.INT_FD));
        p.add(new HookPoint(
                "sun.nio.fs.UnixDirectoryStream",
                "closeImpl",
                ANY,
                HookCode.CLOSING_THIS,
                TraceType.CLOSE,
                Extraction.DIRECTORY_STREAM_CLOSE));
        // not handles: opens, sockets and accepts that fail, for the report at the first "Too many open files"
        for (String stream :
                new String[] {"java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile"}) {
            p.add(failedOpen(stream, "open", ANY));
        }
        // NIO's file opens: not where UnixNativeDispatcher.open throws, because a UnixException's message is the
        // strerror of the thread's errno when it is read, and any code run in between (a hook's) may change errno; the
        // IOException made of it, whose message is fixed, is hooked where it is returned
        p.add(new HookPoint(
                        "sun.nio.fs.UnixException",
                        "translateToIOException",
                        ANY.parameters(2).returning("Ljava/io/IOException;"),
                        HookCode.OPENED_RETURN,
                        TraceType.OPEN,
                        Extraction.OPEN_FAILED)
                .inGroup("failed sun.nio.fs opens (UnixException.translateToIOException)"));
        p.add(failedOpen("sun.nio.ch.Net", "socket", withFamily));
        p.add(failedOpen("sun.nio.ch.Net", "serverSocket", withFamily));
        p.add(failedOpen("sun.nio.ch.UnixDomainSockets", "socket", ANY.returning(FD_TYPE)));
        p.add(failedOpen("sun.nio.ch.ServerSocketChannelImpl", "implAccept", ANY.parameter(1, FD_TYPE)));
        p.add(failedOpen("sun.nio.ch.NioSocketImpl", "accept", ANY.parameters(1)));
        // not a handle: the moment the platform MBean server exists, to register the Htrace MBean in it
        p.add(new HookPoint(
                "java.lang.management.ManagementFactory",
                "getPlatformMBeanServer",
                ANY.parameters(0),
                HookCode.OPENED_RETURN,
                TraceType.OPEN,
                Extraction.PLATFORM_M_BEAN_SERVER));
        // references to closed handles
        MethodShape io = ANY.publicInstance();
        p.add(new HookPoint(
                "java.io.FileInputStream",
                "read",
                io,
                HookCode.FAILED_THIS,
                TraceType.BAD_REFERENCE,
                Extraction.BAD_REFERENCE));
        p.add(new HookPoint(
                "java.io.FileInputStream",
                "skip",
                io,
                HookCode.FAILED_THIS,
                TraceType.BAD_REFERENCE,
                Extraction.BAD_REFERENCE));
        p.add(new HookPoint(
                "java.io.FileInputStream",
                "available",
                io,
                HookCode.FAILED_THIS,
                TraceType.BAD_REFERENCE,
                Extraction.BAD_REFERENCE));
        p.add(new HookPoint(
                "java.io.FileOutputStream",
                "write",
                io,
                HookCode.FAILED_THIS,
                TraceType.BAD_REFERENCE,
                Extraction.BAD_REFERENCE));
        // length() and getFilePointer() are native in JDK 17: unhookable, left out
        for (String m : new String[] {"read", "write", "seek"}) {
            p.add(new HookPoint(
                    "java.io.RandomAccessFile",
                    m,
                    io,
                    HookCode.FAILED_THIS,
                    TraceType.BAD_REFERENCE,
                    Extraction.BAD_REFERENCE));
        }
        for (String channel : new String[] {
            "sun.nio.ch.FileChannelImpl",
            "sun.nio.ch.SocketChannelImpl",
            "sun.nio.ch.ServerSocketChannelImpl",
            "sun.nio.ch.DatagramChannelImpl"
        }) {
            p.add(new HookPoint(
                    channel,
                    "ensureOpen",
                    ANY.parameters(0),
                    HookCode.FAILED_THIS,
                    TraceType.BAD_REFERENCE,
                    Extraction.BAD_REFERENCE));
        }
        p.add(new HookPoint(
                "sun.nio.ch.NioSocketImpl",
                "beginRead",
                ANY,
                HookCode.FAILED_THIS,
                TraceType.BAD_REFERENCE,
                Extraction.BAD_REFERENCE));
        p.add(new HookPoint(
                "sun.nio.ch.NioSocketImpl",
                "beginWrite",
                ANY,
                HookCode.FAILED_THIS,
                TraceType.BAD_REFERENCE,
                Extraction.BAD_REFERENCE));
        return p;
    }

    private static HookPoint failedOpen(String type, String method, MethodShape shape) {
        return new HookPoint(type, method, shape, HookCode.FAILED_ANY, TraceType.OPEN, Extraction.OPEN_FAILED)
                .inGroup("failed " + type + "." + method); // the same method as an open's hook: its own name
    }
}
