package dev.jhtrace.agent.report;

import java.util.List;

/**
 * One stack trace as reported.
 *
 * @param handle      the descriptor number (-1 if unknown)
 * @param generation  which use of that number
 * @param type        OPEN, CLOSE or BAD_REFERENCE
 * @param kind        FILE, SOCKET, ...
 * @param description path or endpoints
 * @param thread      the thread
 * @param time        epoch milliseconds
 * @param stack       frames, innermost first
 * @param previousClose for a BAD_REFERENCE: the last CLOSE of the handle, or null
 * @param opened      for a BAD_REFERENCE: where the handle was opened, or null
 */
public record TraceView(
        int handle,
        long generation,
        String type,
        String kind,
        String description,
        String thread,
        long time,
        List<StackTraceElement> stack,
        TraceView previousClose,
        HandleView opened) {

    /**
     * A trace without bad-reference context.
     *
     * @param handle      the descriptor number
     * @param generation  which use of that number
     * @param type        OPEN, CLOSE or BAD_REFERENCE
     * @param kind        FILE, SOCKET, ...
     * @param description path or endpoints
     * @param thread      the thread
     * @param time        epoch milliseconds
     * @param stack       frames, innermost first
     */
    public TraceView(
            int handle,
            long generation,
            String type,
            String kind,
            String description,
            String thread,
            long time,
            List<StackTraceElement> stack) {
        this(handle, generation, type, kind, description, thread, time, stack, null, null);
    }
}
