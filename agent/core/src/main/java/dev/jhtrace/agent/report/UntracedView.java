package dev.jhtrace.agent.report;

/**
 * An open descriptor no hook saw being opened (open before tracing, or by code no hook sees).
 *
 * @param handle      the descriptor number
 * @param description what {@code /proc/self/fd} says it is
 */
public record UntracedView(int handle, String description) {
}
