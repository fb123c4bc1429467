package dev.jhtrace.agent;

/**
 * The identities the Java hooks took of {@link java.io.FileDescriptor} objects at their opens, by descriptor number,
 * for the hooks of their closes: a close of a handle whose open a Java hook saw then carries that identity instead
 * of a {@link java.lang.ref.WeakReference} to its descriptor object (see {@link HandleEvent#descriptor}). That
 * reference was an object allocated by every close, stored into long-lived objects (a card for G1 to mark and
 * refine each time) and discovered by the next collection.
 *
 * <p>Plain reads and writes from any thread: a number has one handle at a time, and whatever this table misses (a
 * read racing a write, a table grown meanwhile) falls back to the weak reference, as before it.
 */
final class OpenIdentities {
    private static final int MAX_FD = 1 << 20;
    private static volatile int[] ids = new int[1024];

    private OpenIdentities() {}

    /**
     * @param fd the number a Java hook saw opened
     * @param id the identity of its descriptor object, 0 for none
     */
    static void opened(int fd, int id) {
        int[] table = ids;
        if (fd >= table.length) {
            if (fd >= MAX_FD || id == 0) {
                return;
            }
            table = grow(fd);
        }
        table[fd] = id;
    }

    /**
     * @param fd a number being closed by a Java hook
     * @return the identity its open recorded (forgotten now), or 0 when not known
     */
    static int closing(int fd) {
        int[] table = ids;
        if (fd < 0 || fd >= table.length) {
            return 0;
        }
        int id = table[fd];
        if (id != 0) {
            table[fd] = 0;
        }
        return id;
    }

    private static synchronized int[] grow(int fd) {
        int[] table = ids;
        if (fd >= table.length) {
            int[] bigger = java.util.Arrays.copyOf(table, Math.min(MAX_FD, Math.max(fd + 1, table.length * 2)));
            ids = bigger;
            table = bigger;
        }
        return table;
    }
}
