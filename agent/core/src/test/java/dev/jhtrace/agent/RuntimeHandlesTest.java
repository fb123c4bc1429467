package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeHandlesTest {
    private static StackTraceElement f(String cls, String method) {
        return new StackTraceElement(cls, method, "X.java", 1);
    }

    private static boolean isRuntime(List<StackTraceElement> frames, int depth) {
        return RuntimeHandles.owner(frames, depth) == RuntimeHandles.Owner.JDK;
    }

    @Test
    void httpUrlConnectionsAreTheJdksOnlyWhileItsCacheHoldsThem() {
        assertEquals(
                RuntimeHandles.Owner.KEEP_ALIVE_CACHE,
                RuntimeHandles.owner(
                        List.of(
                                f("sun.nio.ch.NioSocketImpl", "create"),
                                f("java.net.Socket", "connect"),
                                f("sun.net.NetworkClient", "doConnect"),
                                f("sun.net.www.http.HttpClient", "openServer"),
                                f("sun.net.www.protocol.http.HttpURLConnection", "getInputStream"),
                                f("com.example.App", "main")),
                        64));
    }

    @Test
    void programFramesMakeItTheProgramsHandle() {
        assertFalse(isRuntime(List.of(f("java.io.FileInputStream", "open"), f("com.example.App", "main")), 64));
    }

    @Test
    void jdkOnlyStacksAndKnownHoldersAreTheRuntimes() {
        assertTrue(isRuntime(List.of(f("java.io.FileInputStream", "open"), f("java.lang.Thread", "run")), 64));
        assertTrue(isRuntime(
                List.of(
                        f("java.io.FileInputStream", "<init>"),
                        f("sun.security.provider.FileInputStreamPool", "getInputStream"),
                        f("com.example.App", "main")),
                64));
        assertTrue(isRuntime(
                List.of(
                        f("sun.nio.ch.EPollPort", "<init>"),
                        f("sun.nio.ch.LinuxAsynchronousChannelProvider", "defaultEventPort"),
                        f("com.example.App", "main")),
                64));
        assertFalse(
                isRuntime(
                        List.of(
                                f("sun.nio.ch.EPollPort", "<init>"),
                                f("sun.nio.ch.LinuxAsynchronousChannelProvider", "openAsynchronousChannelGroup"),
                                f("com.example.App", "main")),
                        64),
                "a group the program created is the program's to shut down");
    }

    @Test
    void aStackCutAtTheDepthLimitIsNotTheJdksWithoutAHolderFrame() {
        List<StackTraceElement> jdkOnly =
                List.of(f("java.io.FileInputStream", "open"), f("java.io.FileInputStream", "<init>"));
        assertTrue(isRuntime(jdkOnly, 3), "complete, JDK frames only: the JDK's");
        assertFalse(isRuntime(jdkOnly, 2), "cut at the limit: the program's frames may be below");
        assertTrue(
                isRuntime(List.of(f("java.io.FileInputStream", "open"), f("jdk.internal.loader.URLClassPath", "x")), 2),
                "a holder frame decides even in a cut stack");
    }
}
