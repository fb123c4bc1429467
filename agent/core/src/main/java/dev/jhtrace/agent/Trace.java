package dev.jhtrace.agent;

/**
 * One recorded stack trace: an OPEN, CLOSE or BAD_REFERENCE of one handle.
 *
 * @param type        what happened
 * @param fd          the handle value (-1 for a bad reference to a handle never seen)
 * @param generation  which use of that number (incremented at every OPEN of it)
 * @param kind        what it refers to
 * @param description path or description known at the time
 * @param thread      the thread that did it
 * @param timeMillis  when
 * @param stack       the stack
 * @param reclaimed   for a CLOSE: run by the GC's cleaner, not by the program
 * @param opened      for a CLOSE: the handle it closed; for a BAD_REFERENCE: where the handle was opened
 * @param previous    for a BAD_REFERENCE: the last CLOSE of that handle
 */
record Trace(TraceType type, int fd, long generation, HandleKind kind, String description, String thread,
             long timeMillis, CapturedStack stack, boolean reclaimed, HandleRecord opened, Trace previous) {
}
