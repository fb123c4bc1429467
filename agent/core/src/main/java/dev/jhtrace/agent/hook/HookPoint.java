package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.TraceType;

/**
 * One JDK method jhtrace instruments: where it is, which call goes in, and how to read the descriptors out
 * of what that call hands over.
 *
 * @param type       the JDK class's binary name
 * @param method     the method's name, {@code <init>} for constructors
 * @param shape      narrows the method by its parameters (tolerant of JDK drift: match by name where possible)
 * @param code       the call put into the method
 * @param trace      what the hooked call does to its descriptors
 * @param extraction how to read the descriptors
 * @param group      hook points that are alternatives across JDK versions share a group; start-up warns
 *                   only when no point of a group matched
 */
public record HookPoint(
        String type,
        String method,
        MethodShape shape,
        HookCode code,
        TraceType trace,
        Extraction extraction,
        String group) {

    HookPoint(String type, String method, MethodShape shape, HookCode code, TraceType trace, Extraction extraction) {
        this(type, method, shape, code, trace, extraction, type + "." + method);
    }

    /**
     * @param name the group's name
     * @return this point in that group
     */
    HookPoint inGroup(String name) {
        return new HookPoint(type, method, shape, code, trace, extraction, name);
    }

    /** @return {@code type.method}, to name the point in messages */
    public String site() {
        return type + "." + method;
    }
}
