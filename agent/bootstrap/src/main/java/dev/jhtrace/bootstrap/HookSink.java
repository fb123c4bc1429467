package dev.jhtrace.bootstrap;

/**
 * What the agent core implements to receive the hooks' calls.
 *
 * <p>Lives in the bootstrap class loader beside {@link HandleHooks} so that instrumented JDK classes
 * can reach it. Implementations must never throw and never block.
 */
public interface HookSink {
    /**
     * A hooked method returned normally after creating one or more descriptors.
     *
     * @param site   the hook point's index in the agent's table
     * @param owner  the object that holds the new descriptors (the receiver or the returned value)
     * @param detail what the site knows about the handle (a path, a flag word), or {@code null}
     */
    void opened(int site, Object owner, Object detail);

    /**
     * A hooked method returned a descriptor as a plain {@code int}.
     *
     * @param site   the hook point's index
     * @param fd     the descriptor
     * @param detail what the site knows (usually the path)
     * @param flags  the open flags given to the site, or 0
     */
    void openedFd(int site, int fd, Object detail, int flags);

    /**
     * A hooked method is about to close the descriptors held by {@code owner}.
     *
     * @param site  the hook point's index
     * @param owner the object whose descriptors are being closed
     */
    void closing(int site, Object owner);

    /**
     * A hooked method is about to close {@code fd}.
     *
     * @param site the hook point's index
     * @param fd   the descriptor
     */
    void closingFd(int site, int fd);

    /**
     * A hooked method failed: if {@code owner} was already closed, this is a reference to an invalid handle.
     *
     * @param site   the hook point's index
     * @param owner  the receiver
     * @param thrown what the method threw
     */
    void failed(int site, Object owner, Throwable thrown);
}
