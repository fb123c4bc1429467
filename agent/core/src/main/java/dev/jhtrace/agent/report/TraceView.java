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
 */
public record TraceView(int handle, long generation, String type, String kind, String description, String thread, long time,
                        List<StackTraceElement> stack) {
}
