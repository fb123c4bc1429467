package dev.jhtrace.bootstrap;

/**
 * The one class that instrumented JDK code calls.
 *
 * <p>It is loaded by the bootstrap class loader, so inlined advice in {@code java.base} can see it.
 * Each method reads the volatile {@link #sink} once and forwards; while tracing is off the sink is
 * {@code null} and a hook costs one volatile read. No lambdas, no string concatenation and no
 * other JDK classes are used here: this code runs inside the JDK's own I/O paths, and an
 * invokedynamic bootstrap from here could recurse into them.
 */
public final class HandleHooks {
    /** Where hooks report to; {@code null} while tracing is off. */
    public static volatile HookSink sink;

    private HandleHooks() {
    }

    /**
     * See {@link HookSink#opened}.
     *
     * @param site   the hooked method
     * @param owner  the object holding the new descriptors
     * @param detail what the site knows about the handle
     */
    public static void opened(String site, Object owner, Object detail) {
        HookSink s = sink;
        if (s != null) {
            s.opened(site, owner, detail);
        }
    }

    /**
     * See {@link HookSink#openedFd}.
     *
     * @param site   the hooked method
     * @param fd     the descriptor
     * @param detail what the site knows
     * @param flags  the open flags, or 0
     */
    public static void openedFd(String site, int fd, Object detail, int flags) {
        HookSink s = sink;
        if (s != null && fd >= 0) {
            s.openedFd(site, fd, detail, flags);
        }
    }

    /**
     * See {@link HookSink#closing}.
     *
     * @param site  the hooked method
     * @param owner the object whose descriptors are being closed
     */
    public static void closing(String site, Object owner) {
        HookSink s = sink;
        if (s != null) {
            s.closing(site, owner);
        }
    }

    /**
     * See {@link HookSink#closingFd}.
     *
     * @param site the hooked method
     * @param fd   the descriptor
     */
    public static void closingFd(String site, int fd) {
        HookSink s = sink;
        if (s != null && fd >= 0) {
            s.closingFd(site, fd);
        }
    }

    /**
     * See {@link HookSink#failed}.
     *
     * @param site   the hooked method
     * @param owner  the receiver
     * @param thrown what it threw
     */
    public static void failed(String site, Object owner, Throwable thrown) {
        HookSink s = sink;
        if (s != null && thrown != null) {
            s.failed(site, owner, thrown);
        }
    }
}
