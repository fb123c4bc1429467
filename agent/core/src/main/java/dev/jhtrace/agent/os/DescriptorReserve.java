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
    /** Set when the shutdown report took the descriptors for good: a lender must not take them back then. */
    private static boolean released;

    private DescriptorReserve() {}

    /** Takes the descriptors, on the agent's start-up thread; a failure only means there is no reserve. */
    public static synchronized void take() {
        if (held != null) {
            return;
        }
        FileInputStream[] r = new FileInputStream[SIZE];
        try {
            for (int i = 0; i < SIZE; i++) {
                r[i] = new FileInputStream("/dev/null");
            }
        } catch (IOException | RuntimeException e) {
            // a process already short of descriptors: keep what was had
        }
        held = r;
    }

    /** Gives the descriptors back to the process for good, for the shutdown report about to be written. */
    public static void release() {
        synchronized (DescriptorReserve.class) {
            released = true;
        }
        giveBack();
    }

    /**
     * Gives the descriptors back to the process while {@code task} runs (a report written at the limit), then takes
     * them again, unless the shutdown report has taken them for good meanwhile. No lock is held while it runs: the
     * shutdown report never waits for it.
     *
     * @param task what needs them
     */
    public static void lend(Runnable task) {
        giveBack();
        try {
            task.run();
        } finally {
            synchronized (DescriptorReserve.class) {
                if (!released) {
                    held = null;
                    take();
                }
            }
        }
    }

    private static synchronized void giveBack() {
        FileInputStream[] r = held;
        if (r == null) {
            return;
        }
        held = new FileInputStream[0];
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
}
