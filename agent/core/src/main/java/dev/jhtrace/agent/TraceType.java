package dev.jhtrace.agent;

/** The three things {@code !htrace} records a stack for. */
public enum TraceType {
    /** A descriptor was created. */
    OPEN,
    /** A descriptor was closed. */
    CLOSE,
    /** A closed (invalid) handle was used. */
    BAD_REFERENCE;

    /** @return the label used in text output, as WinDbg prints it */
    public String label() {
        return this == BAD_REFERENCE ? "BAD REFERENCE" : name();
    }
}
