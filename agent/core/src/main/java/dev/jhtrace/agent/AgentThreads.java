package dev.jhtrace.agent;

/**
 * Per-thread agent state: whether the thread is running agent code, whether it is inside the capture
 * itself, and the capture's scratch object.
 *
 * <p>Handles opened by agent code (reports, {@code /proc} reads, the control channel, JDK classes the agent
 * initialises) are traced as the agent's, so they are accounted for but never reported as the program's. A
 * hook that fires inside the capture itself is ignored, so the capture never recurses.
 */
public final class AgentThreads {
    /** The state of one thread. */
    static final class State {
        boolean inAgent;
        boolean inCapture;
        Emitter emitter;
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private AgentThreads() {
    }

    /**
     * Enters the capture on this thread.
     *
     * @return this thread's state, or {@code null} if the thread is already inside the capture (the caller must
     *     then do nothing and not call {@link #exitCapture})
     */
    static State enterCapture() {
        State s = STATE.get();
        if (s.inCapture) {
            return null;
        }
        s.inCapture = true;
        return s;
    }

    /** @param s the state returned by {@link #enterCapture} */
    static void exitCapture(State s) {
        s.inCapture = false;
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
