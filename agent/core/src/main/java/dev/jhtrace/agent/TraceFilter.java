package dev.jhtrace.agent;

import java.util.Locale;

/**
 * {@code traces=}: which traces the shutdown report lists besides open handles. A predicate itself, not through
 * {@code which::keeps}: a method reference is a class spun at run time, and every report at exit asks this.
 */
enum TraceFilter implements java.util.function.Predicate<Trace> {
    /** Bad references only (the default). */
    BAD,
    /** The whole trace database. */
    ALL,
    /** None. */
    NONE;

    /** @return whether a report lists this trace */
    boolean keeps(Trace t) {
        return this == ALL || this == BAD && t.type() == TraceType.BAD_REFERENCE;
    }

    @Override
    public boolean test(Trace t) {
        return keeps(t);
    }

    /** @return the option's value, as given */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the filter of that name (any case), or null */
    static TraceFilter named(String name) {
        for (TraceFilter f : values()) {
            if (f.option().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }
}
