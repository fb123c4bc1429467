package dev.jhtrace.bootstrap;

/**
 * The one class that instrumented JDK code calls.
 *
 * <p>It is loaded by the bootstrap class loader, so inlined advice in {@code java.base} can see it.
 * Each method reads the volatile {@link #sink} once and forwards; while tracing is off the sink is
 * {@code null} and a hook costs one volatile read. The site is an {@code int}, the hook point's index in the
 * agent's table: the instrumented code pushes a constant, and the agent finds the point with an array read. No lambdas, no string concatenation and no
 * other JDK classes are used here: this code runs inside the JDK's own I/O paths, and an
 * invokedynamic bootstrap from here could recurse into them.
 */
public final class HandleHooks {
    /** Where hooks report to; {@code null} while tracing is off. */
    public static volatile HookSink sink;

    private HandleHooks() {}

    /**
     * See {@link HookSink#opened}.
     *
     * @param site   the hook point's index in the agent's table
     * @param owner  the object holding the new descriptors
     * @param detail what the site knows about the handle
     */
    public static void opened(int site, Object owner, Object detail) {
        HookSink s = sink;
        if (s != null) {
            try {
                s.opened(site, owner, detail);
            } catch (Throwable ignored) {
                // the sink catches its own failures; this is the last guard between the agent and the JDK caller
            }
        }
    }

    /**
     * See {@link HookSink#openedFd}.
     *
     * @param site   the hook point's index in the agent's table
     * @param fd     the descriptor
     * @param detail what the site knows
     * @param flags  the open flags, or 0
     */
    public static void openedFd(int site, int fd, Object detail, int flags) {
        HookSink s = sink;
        if (s != null && fd >= 0) {
            try {
                s.openedFd(site, fd, detail, flags);
            } catch (Throwable ignored) {
                // the sink catches its own failures; this is the last guard between the agent and the JDK caller
            }
        }
    }

    /**
     * See {@link HookSink#closing}.
     *
     * @param site  the hook point's index in the agent's table
     * @param owner the object whose descriptors are being closed
     */
    public static void closing(int site, Object owner) {
        HookSink s = sink;
        if (s != null) {
            try {
                s.closing(site, owner);
            } catch (Throwable ignored) {
                // the sink catches its own failures; this is the last guard between the agent and the JDK caller
            }
        }
    }

    /**
     * See {@link HookSink#closingFd}.
     *
     * @param site the hook point's index in the agent's table
     * @param fd   the descriptor
     */
    public static void closingFd(int site, int fd) {
        HookSink s = sink;
        if (s != null && fd >= 0) {
            try {
                s.closingFd(site, fd);
            } catch (Throwable ignored) {
                // the sink catches its own failures; this is the last guard between the agent and the JDK caller
            }
        }
    }

    /**
     * See {@link HookSink#failed}.
     *
     * @param site   the hook point's index in the agent's table
     * @param owner  the receiver
     * @param thrown what it threw
     */
    public static void failed(int site, Object owner, Throwable thrown) {
        HookSink s = sink;
        if (s != null && thrown != null) {
            try {
                s.failed(site, owner, thrown);
            } catch (Throwable ignored) {
                // the sink catches its own failures; this is the last guard between the agent and the JDK caller
            }
        }
    }
}
