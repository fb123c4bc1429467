package dev.jhtrace.agent.hook;

/**
 * The code a {@link HookPoint} puts into its JDK method: one static call into
 * {@code dev.jhtrace.bootstrap.HandleHooks}, where, and with which of the method's values.
 *
 * <p>Each is straight-line code (no branches, no new locals), so the method's stack map frames stay valid;
 * only {@link #FAILED_THIS} adds an exception handler, at the end of the method, covering all of it.
 */
enum HookCode {
    /** On entry: {@code closing(site, this)}. */
    CLOSING_THIS(Where.ENTRY, Value.THIS, Value.NONE),
    /** On entry: {@code closing(site, arg0)}. */
    CLOSING_ARG0(Where.ENTRY, Value.ARG0, Value.NONE),
    /** On entry: {@code closingFd(site, (int) arg0)}. */
    CLOSING_INT_ARG0(Where.ENTRY, Value.ARG0, Value.NONE),
    /** On each normal return: {@code opened(site, this, null)}. */
    OPENED_THIS(Where.RETURN, Value.THIS, Value.NONE),
    /** On each normal return: {@code opened(site, this, arg0)}. */
    OPENED_THIS_ARG0(Where.RETURN, Value.THIS, Value.ARG0),
    /** On each normal return: {@code opened(site, arg0, null)}. */
    OPENED_ARG0(Where.RETURN, Value.ARG0, Value.NONE),
    /** On each normal return: {@code opened(site, arg1, null)}. */
    OPENED_ARG1(Where.RETURN, Value.ARG1, Value.NONE),
    /** On each normal return: {@code opened(site, returnedObject, null)}. */
    OPENED_RETURN(Where.RETURN, Value.RETURNED, Value.NONE),
    /** On each normal return of an {@code int} descriptor: {@code openedFd(site, fd, arg0, arg1)} (path, flags). */
    OPENED_INT_RETURN(Where.RETURN, Value.RETURNED, Value.ARG0),
    /** As {@link #OPENED_INT_RETURN} for {@code openat(dfd, path, flags, mode)}: {@code openedFd(site, fd, arg1, arg2)}. */
    OPENED_AT_INT_RETURN(Where.RETURN, Value.RETURNED, Value.ARG1),
    /** When the method throws: {@code failed(site, this, thrown)}, then the same exception is rethrown. */
    FAILED_THIS(Where.THROW, Value.THIS, Value.NONE),
    /** When the method (static or not) throws: {@code failed(site, null, thrown)}, then the same exception is rethrown. */
    FAILED_ANY(Where.THROW, Value.NONE, Value.NONE);

    /** Where in the method the call goes. */
    enum Where {
        /** Before the first instruction. */
        ENTRY,
        /** Before every {@code return} instruction. */
        RETURN,
        /** In a catch-all handler around the whole body. */
        THROW
    }

    /** A value handed to the hook. */
    enum Value {
        /** Nothing ({@code null}). */
        NONE,
        /** The receiver. */
        THIS,
        /** The first parameter. */
        ARG0,
        /** The second parameter. */
        ARG1,
        /** The value being returned. */
        RETURNED
    }

    final Where where;
    /** The owner handed over: the object holding the descriptors, or the descriptor itself. */
    final Value owner;
    /** The detail handed over (a path). */
    final Value detail;

    HookCode(Where where, Value owner, Value detail) {
        this.where = where;
        this.owner = owner;
        this.detail = detail;
    }
}
