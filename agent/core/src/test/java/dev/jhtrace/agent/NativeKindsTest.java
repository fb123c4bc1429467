package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a native event's kind is, from the libc call that made it. */
class NativeKindsTest {
    @Test
    void eachCallItsKind() {
        assertEquals(HandleKind.TIMERFD, NativeDrain.kind("timerfd_create"), "a timer is not a file");
        assertEquals(HandleKind.EVENTFD, NativeDrain.kind("eventfd"));
        assertEquals(HandleKind.SOCKET, NativeDrain.kind("accept4"));
        assertEquals(HandleKind.FILE, NativeDrain.kind("openat"));
        assertEquals(HandleKind.FILE, NativeDrain.kind("memfd_create"), "a memfd reads and writes as a file");
        assertEquals(HandleKind.UNKNOWN, NativeDrain.kind(null));
    }
}
