package dev.jhtrace.agent;

/**
 * Which descriptor numbers were last opened, as a Java hook saw it, with a {@link java.io.FileDescriptor} object
 * whose identity the hook took: the close's hook then takes the identity of its descriptor object too, which costs
 * nothing for an object hashed already, instead of making a {@link java.lang.ref.WeakReference} for the analyzer to
 * take it later (see {@link HandleEvent#descriptor}). That reference was an object allocated by every close, stored
 * into long-lived objects (a card for G1 to mark and refine each time) and discovered by the next collection.
 *
 * <p>Only a hint, never an identity: a mark left stale (a native close of a Java open, a race with a table that grew)
 * costs one monitor inflation at most (the identity of an object not hashed yet, taken inside the synchronized
 * {@code FileDescriptor.close}), and the identity the close carries is always its own object's. Plain reads and
 * writes from any thread.
 */
final class OpenIdentities {
    private static final int MAX_FD = 1 << 20;
    private static volatile boolean[] hashed = new boolean[1024];

    private OpenIdentities() {}

    /**
     * @param fd     a number a Java hook saw opened by the program
     * @param hashed whether the hook took the identity of its descriptor object
     */
    static void opened(int fd, boolean hashed) {
        boolean[] table = OpenIdentities.hashed;
        if (fd >= table.length) {
            if (fd >= MAX_FD || !hashed) {
                return;
            }
            table = grow(fd);
        }
        if (table[fd] != hashed) {
            table[fd] = hashed;
        }
    }

    /**
     * @param fd a number a Java hook sees closed
     * @return whether its open's descriptor object was hashed (forgotten now)
     */
    static boolean closing(int fd) {
        boolean[] table = hashed;
        if (fd < 0 || fd >= table.length || !table[fd]) {
            return false;
        }
        table[fd] = false;
        return true;
    }

    private static synchronized boolean[] grow(int fd) {
        boolean[] table = hashed;
        if (fd >= table.length) {
            boolean[] bigger = java.util.Arrays.copyOf(table, Math.min(MAX_FD, Math.max(fd + 1, table.length * 2)));
            hashed = bigger;
            table = bigger;
        }
        return table;
    }
}
