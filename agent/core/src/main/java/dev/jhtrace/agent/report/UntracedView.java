package dev.jhtrace.agent.report;

/**
 * An open descriptor no hook saw being opened (open before tracing, or by code no hook sees).
 *
 * @param handle      the descriptor number
 * @param description what {@code /proc/self/fd} says it is
 * @param lost        events for this number were dropped while tracing, so it may have been opened (or its traced
 *                    handle closed and the number reused) unseen: the agent cannot vouch for any stack of it
 */
public record UntracedView(int handle, String description, boolean lost) {
    /**
     * @param handle      the descriptor number
     * @param description what {@code /proc/self/fd} says it is
     */
    public UntracedView(int handle, String description) {
        this(handle, description, false);
    }
}
