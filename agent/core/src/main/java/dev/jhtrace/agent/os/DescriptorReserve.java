package dev.jhtrace.agent.os;

import java.io.FileInputStream;
import java.io.IOException;

/**
 * A few descriptors held from the start and given back just before the shutdown report is built.
 *
 * <p>Why: the report is wanted most when the program dies of "Too many open files", and then nothing can be
 * opened: not {@code /proc/self/fd} to list, not the socket tables to describe, not the report file. With these
 * released first, the report has the descriptors it needs (they are {@code /dev/null}, opened by the agent, so they
 * are the agent's own handles and never shown as the program's). The program hits its limit this many
 * descriptors earlier than without the agent.
 */
public final class DescriptorReserve {
    /** Enough for the listing, a socket table, the command line and the report file, one after the other. */
    static final int SIZE = 4;

    private static FileInputStream[] held;

    /**
     * Two more, lent to a report written while the program runs at its limit ({@link #lendSpare}): the program may take
     * them once they are closed (a thread retrying an accept), and then the shutdown report still has its own.
     */
    static final int SPARE_SIZE = 2;

    private static FileInputStream[] spare;
    private static volatile boolean lending;
    /** Set when the shutdown report took the descriptors for good: a lender must not take them back then. */
    private static boolean released;

    private DescriptorReserve() {}

    /** Takes the descriptors, on the agent's start-up thread; a failure only means there is no reserve. */
    public static synchronized void take() {
        if (held == null) {
            held = open(SIZE);
        }
        if (spare == null) {
            spare = open(SPARE_SIZE);
        }
    }

    private static FileInputStream[] open(int n) {
        FileInputStream[] r = new FileInputStream[n];
        try {
            for (int i = 0; i < n; i++) {
                r[i] = new FileInputStream("/dev/null");
            }
        } catch (IOException | RuntimeException e) {
            // a process already short of descriptors: keep what was had
        }
        return r;
    }

    /** Gives the descriptors back to the process for good, for the shutdown report about to be written. */
    public static void release() {
        synchronized (DescriptorReserve.class) {
            released = true;
        }
        giveBack();
    }

    /**
     * Gives the spare descriptors back to the process while {@code task} runs (a report written at the limit), then
     * takes them again if it can. The shutdown report's own are never lent. No lock is held while it runs.
     *
     * @param task what needs them
     */
    public static void lendSpare(Runnable task) {
        FileInputStream[] lent;
        synchronized (DescriptorReserve.class) {
            lent = spare;
            spare = null;
        }
        lending = true;
        close(lent);
        try {
            task.run();
        } finally {
            synchronized (DescriptorReserve.class) {
                if (!released && spare == null) {
                    spare = open(SPARE_SIZE);
                }
            }
            lending = false;
        }
    }

    /**
     * @return whether the spare descriptors are lent to a report now: the agent's own threads that wait for a free
     *     descriptor (the control channel) stand aside meanwhile, or they would take them from the report
     */
    public static boolean lent() {
        return lending;
    }

    private static void close(FileInputStream[] r) {
        if (r == null) {
            return;
        }
        for (FileInputStream in : r) {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // nothing more to give back
                }
            }
        }
    }

    private static synchronized void giveBack() {
        close(held);
        close(spare);
        held = new FileInputStream[0];
        spare = new FileInputStream[0];
    }
}
