package dev.jhtrace.agent;

/**
 * What a descriptor refers to: its kind and its path or endpoint as the hook saw it. Kept for every handle's open
 * ({@link HandleRecord}) and every trace ({@link Trace}), copied as a unit ({@link #setReferent(Referent)}).
 *
 * <p>A superclass of both rather than an object they hold: its two fields then cost no object of their own, which
 * was 24 bytes and a reference twice over for every open handle (its slot and its OPEN trace). It extends
 * {@link Site} for the same reason: the site is where the slot's handle was opened, or where the trace's event was.
 */
abstract class Referent extends Site {
    /** What kind of descriptor it is. */
    HandleKind kind;
    /** Path or endpoint, or null. */
    String description;

    /** @param other the referent to copy */
    final void setReferent(Referent other) {
        setReferent(other.kind, other.description);
    }

    /**
     * @param kind        what kind of descriptor it is
     * @param description path or endpoint, or null
     */
    final void setReferent(HandleKind kind, String description) {
        if (this.kind != kind) { // see Site#setSite: a reference stored costs G1 a card
            this.kind = kind;
        }
        if (this.description != description) {
            this.description = description;
        }
    }
}
