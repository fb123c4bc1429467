package dev.jhtrace.agent.hook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How hook points pick their JDK methods from access flags and descriptors alone. */
class MethodShapeTest {
    private static final int PUBLIC = 0x0001;
    private static final int PRIVATE = 0x0002;
    private static final int STATIC = 0x0008;
    private static final int NATIVE = 0x0100;
    private static final int ABSTRACT = 0x0400;

    @Test
    void descriptorsSplitIntoTypesAndSlots() {
        String d = "(J[BLjava/net/ProtocolFamily;DI)Ljava/io/FileDescriptor;";
        assertArrayEquals(new String[] {"J", "[B", "Ljava/net/ProtocolFamily;", "D", "I"}, Descriptors.parameters(d));
        assertEquals("Ljava/io/FileDescriptor;", Descriptors.returnType(d));
        assertEquals(0, Descriptors.slotOf(d, true, 0));
        assertEquals(2, Descriptors.slotOf(d, true, 1), "a long takes two slots");
        assertEquals(4, Descriptors.slotOf(d, false, 2), "the receiver takes slot 0");
        assertEquals(6, Descriptors.slotOf(d, true, 4), "the double before it takes two slots");
        assertEquals(4, Descriptors.slotOf(d, true, 3));
        assertEquals(0, Descriptors.parameters("()V").length);
    }

    @Test
    void shapesNarrowByParametersAndReturnType() {
        MethodShape socket =
                MethodShape.ANY.parameter(0, "Ljava/net/ProtocolFamily;").returning("Ljava/io/FileDescriptor;");
        assertTrue(socket.matches(STATIC, "(Ljava/net/ProtocolFamily;ZZZ)Ljava/io/FileDescriptor;"));
        assertTrue(
                socket.matches(STATIC, "(Ljava/net/ProtocolFamily;ZZ)Ljava/io/FileDescriptor;"),
                "a parameter more or less keeps it");
        assertFalse(socket.matches(STATIC, "(ZZ)Ljava/io/FileDescriptor;"));
        assertFalse(socket.matches(STATIC, "(Ljava/net/ProtocolFamily;)I"));
        MethodShape intClose = MethodShape.ANY.parameters(1).parameter(0, "I");
        assertTrue(intClose.matches(STATIC, "(I)V"));
        assertFalse(intClose.matches(STATIC, "(J)V"));
        assertFalse(intClose.matches(STATIC, "(II)V"));
    }

    @Test
    void onlyMethodsWithCodeMatch() {
        assertFalse(MethodShape.ANY.matches(PRIVATE | NATIVE, "()V"), "native: nothing to put a hook into");
        assertFalse(MethodShape.ANY.matches(PUBLIC | ABSTRACT, "()V"));
        MethodShape io = MethodShape.ANY.publicInstance();
        assertTrue(io.matches(PUBLIC, "([B)I"));
        assertFalse(io.matches(PRIVATE, "([B)I"));
        assertFalse(io.matches(PUBLIC | STATIC, "([B)I"));
    }
}
