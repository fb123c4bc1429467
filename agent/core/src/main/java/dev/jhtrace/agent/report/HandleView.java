package dev.jhtrace.agent.report;

import java.util.List;

/**
 * An open (or reclaimed) handle as reported.
 *
 * @param handle      the descriptor number
 * @param generation  which use of that number
 * @param kind        FILE, SOCKET, ...
 * @param description path or endpoints
 * @param thread      the thread that opened it
 * @param openedAt    when, in epoch milliseconds
 * @param stack       the open stack, innermost first
 */
public record HandleView(
        int handle,
        long generation,
        String kind,
        String description,
        String thread,
        long openedAt,
        List<StackTraceElement> stack) {}
