package dev.jhtrace.agent;

import java.util.Locale;

/** {@code traces=}: which traces the shutdown report lists besides open handles. */
enum TraceFilter {
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
