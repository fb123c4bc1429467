package dev.jhtrace.agent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeHandlesTest {
    private static StackTraceElement f(String cls, String method) {
        return new StackTraceElement(cls, method, "X.java", 1);
    }

    @Test
    void programFramesMakeItTheProgramsHandle() {
        assertFalse(RuntimeHandles.isRuntime(List.of(f("java.io.FileInputStream", "open"), f("com.example.App", "main"))));
    }

    @Test
    void jdkOnlyStacksAndKnownHoldersAreTheRuntimes() {
        assertTrue(RuntimeHandles.isRuntime(List.of(f("java.io.FileInputStream", "open"), f("java.lang.Thread", "run"))));
        assertTrue(RuntimeHandles.isRuntime(List.of(f("java.io.FileInputStream", "<init>"),
                f("sun.security.provider.FileInputStreamPool", "getInputStream"), f("com.example.App", "main"))));
        assertTrue(RuntimeHandles.isRuntime(List.of(f("sun.nio.ch.EPollPort", "<init>"),
                f("sun.nio.ch.LinuxAsynchronousChannelProvider", "defaultEventPort"), f("com.example.App", "main"))));
        assertFalse(RuntimeHandles.isRuntime(List.of(f("sun.nio.ch.EPollPort", "<init>"),
                f("sun.nio.ch.LinuxAsynchronousChannelProvider", "openAsynchronousChannelGroup"), f("com.example.App", "main"))),
                "a group the program created is the program's to shut down");
    }
}
