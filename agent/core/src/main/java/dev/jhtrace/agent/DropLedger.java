package dev.jhtrace.agent;

import dev.jhtrace.agent.jni.NativeContract;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Counts dropped events by descriptor number, so that a report can tell which handles it can vouch for.
 *
 * <p>When the ring is full an event is dropped, and with it maybe the close of a handle whose number the OS then
 * gave to another one: the analyzer would go on showing the old handle's stack for the new one. Every producer
 * that drops an event for a number adds one to that number's counter; every OPEN carries the counter as its
 * producer read it; a report trusts an open handle only while the counter still has that value. The counters live
 * in one direct buffer that the native module's hooks count into as well (both sides add atomically).
 *
 * <p>Numbers share counters modulo {@link #SLOTS}: a drop for fd 20 also makes fd 4116 unverifiable, which errs on
 * the side of saying less.
 */
public final class DropLedger {
    /** Counters; a power of two. 16 KB. */
    static final int SLOTS = NativeContract.DROP_LEDGER_SLOTS;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private static final DropLedger PROCESS = new DropLedger();

    private final ByteBuffer counts = ByteBuffer.allocateDirect(SLOTS * 4).order(ByteOrder.nativeOrder());

    /** @return the process's ledger, shared by the Java producers and the native module's hooks */
    public static DropLedger process() {
        return PROCESS;
    }

    /** @param fd the number of a dropped event (negative numbers concern no handle and are not counted) */
    public void dropped(int fd) {
        if (fd >= 0) {
            INT.getAndAdd(counts, (fd & (SLOTS - 1)) * 4, 1);
        }
    }

    /**
     * @param fd a descriptor number
     * @return drops counted for it so far (0 for negative numbers)
     */
    public int count(int fd) {
        return fd < 0 ? 0 : (int) INT.getVolatile(counts, (fd & (SLOTS - 1)) * 4);
    }

    /** @return a copy of every counter, to compare later counts with */
    int[] copy() {
        // one bulk copy, not 4,096 volatile reads through the VarHandle: interpreted at start-up, those cost 3-4 ms and
        // a dozen JIT compilations (counters others add to meanwhile are read as of some moment of the copy either way)
        VarHandle.acquireFence();
        int[] c = new int[SLOTS];
        counts.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer().get(c);
        return c;
    }

    /**
     * @param baseline a {@link #copy()}
     * @param fd       a descriptor number
     * @return whether events for this number were dropped since the copy
     */
    boolean droppedSince(int[] baseline, int fd) {
        return fd >= 0 && count(fd) != baseline[fd & (SLOTS - 1)];
    }

    /** @return the counters, for the native module to count its own drops into (4 bytes each, native order) */
    public ByteBuffer buffer() {
        return counts;
    }
}
