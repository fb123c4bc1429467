package dev.jhtrace.agent;

/**
 * The open state of one handle: the analyzer's live table holds one per open descriptor.
 */
final class HandleRecord {
    final int fd;
    final long generation;
    final HandleKind kind;
    final String description;
    final String thread;
    final long openedAt;
    /** {@link System#nanoTime()} of the open, to tell a late-arriving event about an earlier use of the number. */
    final long openedNanos;
    final CapturedStack openStack;
    /** Opened by the agent itself. */
    final boolean agent;

    HandleRecord(int fd, long generation, HandleKind kind, String description, String thread, long openedAt,
                 long openedNanos, CapturedStack openStack, boolean agent) {
        this.openedNanos = openedNanos;
        this.agent = agent;
        this.fd = fd;
        this.generation = generation;
        this.kind = kind;
        this.description = description;
        this.thread = thread;
        this.openedAt = openedAt;
        this.openStack = openStack;
    }
}
