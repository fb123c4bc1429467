package dev.jhtrace.agent;

/**
 * What a descriptor refers to: its kind and its path or endpoint as the hook saw it. Kept for every handle's open
 * and every trace, embedded and copied as a unit ({@link #set(Referent)}), as {@link Site} is.
 */
final class Referent {
    /** What kind of descriptor it is. */
    HandleKind kind;
    /** Path or endpoint, or null. */
    String description;

    /** @param other the referent to copy */
    void set(Referent other) {
        set(other.kind, other.description);
    }

    /**
     * @param kind        what kind of descriptor it is
     * @param description path or endpoint, or null
     */
    void set(HandleKind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    /** Forgets it. */
    void clear() {
        set(null, null);
    }
}
