package dev.jhtrace.agent;

import dev.jhtrace.agent.hooks.ClosingArg0;
import dev.jhtrace.agent.hooks.ClosingIntArg0;
import dev.jhtrace.agent.hooks.ClosingThis;
import dev.jhtrace.agent.hooks.FailedThis;
import dev.jhtrace.agent.hooks.OpenedArg0;
import dev.jhtrace.agent.hooks.OpenedArg1;
import dev.jhtrace.agent.hooks.OpenedAtIntReturn;
import dev.jhtrace.agent.hooks.OpenedIntReturn;
import dev.jhtrace.agent.hooks.OpenedReturn;
import dev.jhtrace.agent.hooks.OpenedThis;
import dev.jhtrace.agent.hooks.OpenedThisArg0;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Every JDK method jhtrace hooks, on JDK 17 through 25 (Linux).
 *
 * <p>The hooks sit where the JDK creates or closes a descriptor in Java code, as close to the
 * native call as possible, so that one hook covers every public way in (FileChannel.open, Files.newInputStream
 * and AsynchronousFileChannel all end in {@code UnixNativeDispatcher.open}). Each is matched by name
 * and, where overloads differ, by shape, so that a parameter added in a later JDK does not lose it; a hook
 * that matches nothing is reported at start-up.
 */
final class HookPoints {
    private static final String FD = "java.io.FileDescriptor";
    private static final ElementMatcher<MethodDescription> ANY = any();

    private HookPoints() {
    }

    /** @return all hook points */
    static List<HookPoint> all() {
        List<HookPoint> p = new ArrayList<>();
        // java.io: the private open(String...) each stream constructor calls; the FileDescriptor then holds the fd
        for (String stream : new String[] {"java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile"}) {
            p.add(new HookPoint(stream, "open", ANY, OpenedThisArg0.class, TraceType.OPEN, Extractors::fileStream));
        }
        // NIO file system: FileChannel.open, Files.new*, AsynchronousFileChannel, directory streams, copies
        p.add(new HookPoint("sun.nio.fs.UnixNativeDispatcher", "open", takesArguments(3), OpenedIntReturn.class,
                TraceType.OPEN, Extractors::nativeOpen));
        p.add(new HookPoint("sun.nio.fs.UnixNativeDispatcher", "openat", takesArguments(4), OpenedAtIntReturn.class,
                TraceType.OPEN, Extractors::nativeOpen));
        p.add(new HookPoint("sun.nio.fs.UnixSecureDirectoryStream", "<init>", ANY, OpenedThisArg0.class,
                TraceType.OPEN, Extractors::secureDirectoryStream));
        // sockets: every socket the JDK creates, and every accepted one
        // only the overloads taking a ProtocolFamily call socket0; the others delegate to them
        ElementMatcher<MethodDescription> withFamily = takesArgument(0, named("java.net.ProtocolFamily")).and(returns(named(FD)));
        p.add(new HookPoint("sun.nio.ch.Net", "socket", withFamily, OpenedReturn.class, TraceType.OPEN, Extractors::socket));
        p.add(new HookPoint("sun.nio.ch.Net", "serverSocket", withFamily, OpenedReturn.class, TraceType.OPEN, Extractors::socket));
        p.add(new HookPoint("sun.nio.ch.UnixDomainSockets", "socket", returns(named(FD)), OpenedReturn.class, TraceType.OPEN,
                Extractors::socket));
        p.add(new HookPoint("sun.nio.ch.ServerSocketChannelImpl", "implAccept", takesArgument(1, named(FD)), OpenedArg1.class,
                TraceType.OPEN, Extractors::socket));
        p.add(new HookPoint("sun.nio.ch.NioSocketImpl", "accept", takesArguments(1), OpenedArg0.class, TraceType.OPEN,
                Extractors::socket));
        p.add(new HookPoint("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl", "finishAccept", takesArgument(0, named(FD)),
                OpenedArg0.class, TraceType.OPEN, Extractors::socket));
        // objects owning several descriptors
        p.add(new HookPoint("sun.nio.ch.PipeImpl", "<init>", ANY, OpenedThis.class, TraceType.OPEN, Extractors::pipe));
        p.add(new HookPoint("sun.nio.ch.EPollSelectorImpl", "<init>", ANY, OpenedThis.class, TraceType.OPEN, Extractors::selector));
        p.add(new HookPoint("sun.nio.ch.EPollSelectorImpl", "implClose", ANY, ClosingThis.class, TraceType.CLOSE,
                Extractors::selector));
        p.add(new HookPoint("sun.nio.fs.LinuxWatchService$Poller", "<init>", ANY, OpenedThis.class, TraceType.OPEN,
                Extractors::watchService));
        // the poller thread closes the fds, but only when the program's close() asks it to: trace that call
        p.add(new HookPoint("sun.nio.fs.LinuxWatchService", "implClose", ANY, ClosingThis.class, TraceType.CLOSE,
                Extractors::watchServiceClose));
        p.add(new HookPoint("sun.nio.ch.EPollPort", "<init>", ANY, OpenedThis.class, TraceType.OPEN, Extractors::epollPort));
        p.add(new HookPoint("sun.nio.ch.EPollPort", "implClose", ANY, ClosingThis.class, TraceType.CLOSE, Extractors::epollPort));
        p.add(new HookPoint("java.lang.ProcessImpl", "initStreams", ANY, OpenedThis.class, TraceType.OPEN,
                Extractors::processStreams));
        // closes
        p.add(new HookPoint(FD, "close", takesArguments(0), ClosingThis.class, TraceType.CLOSE, Extractors::descriptor));
        p.add(new HookPoint("java.io.FileCleanable", "performCleanup", ANY, ClosingThis.class, TraceType.CLOSE,
                Extractors::fileCleanable));
        for (String dispatcher : new String[] {"sun.nio.ch.SocketDispatcher", "sun.nio.ch.DatagramDispatcher", "sun.nio.ch.UnixDispatcher"}) {
            p.add(new HookPoint(dispatcher, "close", takesArguments(1).and(takesArgument(0, named(FD))), ClosingArg0.class,
                    TraceType.CLOSE, Extractors::descriptor).inGroup("socket close (SocketDispatcher, DatagramDispatcher or UnixDispatcher)"));
        }
        p.add(new HookPoint("sun.nio.fs.UnixNativeDispatcher", "close", takesArguments(int.class), ClosingIntArg0.class,
                TraceType.CLOSE, Extractors::intFd));
        p.add(new HookPoint("sun.nio.fs.UnixDirectoryStream", "closeImpl", ANY, ClosingThis.class, TraceType.CLOSE,
                Extractors::directoryStreamClose));
        // not a handle: the moment the platform MBean server exists, to register the Htrace MBean in it
        p.add(new HookPoint("java.lang.management.ManagementFactory", "getPlatformMBeanServer", takesArguments(0), OpenedReturn.class,
                TraceType.OPEN, Extractors::platformMBeanServer));
        // references to closed handles
        ElementMatcher<MethodDescription> io = isPublic().and(not(isStatic()));
        p.add(new HookPoint("java.io.FileInputStream", "read", io, FailedThis.class, TraceType.BAD_REFERENCE, Extractors::badReference));
        p.add(new HookPoint("java.io.FileInputStream", "skip", io, FailedThis.class, TraceType.BAD_REFERENCE, Extractors::badReference));
        p.add(new HookPoint("java.io.FileInputStream", "available", io, FailedThis.class, TraceType.BAD_REFERENCE,
                Extractors::badReference));
        p.add(new HookPoint("java.io.FileOutputStream", "write", io, FailedThis.class, TraceType.BAD_REFERENCE, Extractors::badReference));
        // length() and getFilePointer() are native in JDK 17: unhookable, left out
        for (String m : new String[] {"read", "write", "seek"}) {
            p.add(new HookPoint("java.io.RandomAccessFile", m, io, FailedThis.class, TraceType.BAD_REFERENCE, Extractors::badReference));
        }
        for (String channel : new String[] {"sun.nio.ch.FileChannelImpl", "sun.nio.ch.SocketChannelImpl",
            "sun.nio.ch.ServerSocketChannelImpl", "sun.nio.ch.DatagramChannelImpl"}) {
            p.add(new HookPoint(channel, "ensureOpen", takesArguments(0), FailedThis.class, TraceType.BAD_REFERENCE,
                    Extractors::badReference));
        }
        p.add(new HookPoint("sun.nio.ch.NioSocketImpl", "beginRead", ANY, FailedThis.class, TraceType.BAD_REFERENCE,
                Extractors::badReference));
        p.add(new HookPoint("sun.nio.ch.NioSocketImpl", "beginWrite", ANY, FailedThis.class, TraceType.BAD_REFERENCE,
                Extractors::badReference));
        return p;
    }

    private static ElementMatcher<net.bytebuddy.description.type.TypeDescription> named(String name) {
        return net.bytebuddy.matcher.ElementMatchers.named(name);
    }
}
