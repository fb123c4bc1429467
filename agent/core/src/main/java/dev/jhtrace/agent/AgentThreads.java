package dev.jhtrace.agent;

/**
 * Per-thread agent state: whether the thread is running agent code, and the capture's scratch object.
 *
 * <p>A thread in agent code is never traced: that keeps the agent's own files and sockets (its jar,
 * reports, the control channel) out of the program's handles, and stops a hook that fires inside agent
 * code from recursing.
 */
public final class AgentThreads {
    /** The state of one thread. */
    static final class State {
        boolean inAgent;
        Emitter emitter;
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private AgentThreads() {
    }

    /**
     * Enters agent code on this thread.
     *
     * @return this thread's state, or {@code null} if the thread is already in agent code (the caller must
     *     then do nothing and not call {@link #exit})
     */
    static State enter() {
        State s = STATE.get();
        if (s.inAgent) {
            return null;
        }
        s.inAgent = true;
        return s;
    }

    /** @param s the state returned by {@link #enter} */
    static void exit(State s) {
        s.inAgent = false;
    }

    /**
     * Runs {@code task} with this thread marked as agent code.
     *
     * @param task what to run
     */
    public static void runAsAgent(Runnable task) {
        State s = STATE.get();
        boolean was = s.inAgent;
        s.inAgent = true;
        try {
            task.run();
        } finally {
            s.inAgent = was;
        }
    }

    /**
     * Wraps a task so that the thread running it is an agent thread for its whole life.
     *
     * @param task what the thread runs
     * @return the wrapped task
     */
    public static Runnable wrap(Runnable task) {
        return () -> {
            STATE.get().inAgent = true;
            task.run();
        };
    }
}
