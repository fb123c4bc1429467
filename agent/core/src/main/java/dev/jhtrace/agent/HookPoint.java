package dev.jhtrace.agent;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One JDK method jhtrace instruments: where it is, which advice goes in, and how to read the
 * descriptors out of what the advice hands over.
 *
 * @param type      the JDK class's binary name
 * @param method    the method's name, {@code <init>} for constructors
 * @param signature narrows the method by its parameters (tolerant of JDK drift: match by name where possible)
 * @param advice    the advice class inlined into the method
 * @param trace     what the hooked call does to its descriptors
 * @param extractor reads the descriptors
 * @param group     hook points that are alternatives across JDK versions share a group; start-up warns
 *                  only when no point of a group matched
 */
record HookPoint(String type, String method, ElementMatcher<? super MethodDescription> signature,
                 Class<?> advice, TraceType trace, Extractor extractor, String group) {

    HookPoint(String type, String method, ElementMatcher<? super MethodDescription> signature, Class<?> advice,
              TraceType trace, Extractor extractor) {
        this(type, method, signature, advice, trace, extractor, type + "." + method);
    }

    /**
     * @param name the group's name
     * @return this point in that group
     */
    HookPoint inGroup(String name) {
        return new HookPoint(type, method, signature, advice, trace, extractor, name);
    }

    /** @return the key the advice passes as its site: {@code type.method}, as ByteBuddy's {@code #t.#m} renders it */
    String site() {
        return type + "." + method;
    }

    /** Reads the descriptors a hooked call created, closes or misused, and hands each to the emitter. */
    @FunctionalInterface
    interface Extractor {
        /**
         * @param owner  the object the advice passed (receiver, argument or returned value)
         * @param detail what the site knows besides (a path), or {@code null}
         * @param fd     the descriptor number for int-valued sites, else -1
         * @param flags  the open flags for int-valued open sites, else 0
         * @param out    where to send each descriptor
         */
        void extract(Object owner, Object detail, int fd, int flags, Emitter out);
    }
}
