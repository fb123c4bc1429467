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

    private static final ThreadLocal<State> STATE = new ThreadLocal<>() {
        // a subclass, not withInitial(State::new): no lambda class to spin in premain
        @Override
        protected State initialValue() {
            return new State();
        }
    };

    private AgentThreads() {}

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

    /**
     * Enters the capture while tracing is off: only agent code's handles are followed then. The handle table keeps
     * the agent's own handles across a {@code -disable}; a close of one of them missed while tracing was off left its
     * number marked as the agent's, and a leak the program opened under it later was in no report at all.
     *
     * @return this thread's state if it runs agent code (see {@link #enterCapture}), else {@code null}
     */
    static State enterCaptureIfAgent() {
        State s = STATE.get();
        if (!s.inAgent || s.inCapture) {
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
     * @return whether the JVM has begun to exit (shutdown hooks running): failures of agent threads are then
     *     expected and not worth a line on the application's stderr
     */
    static boolean jvmExiting() {
        Thread probe = new Thread("jhtrace-exit-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException exiting) {
            return true;
        }
    }

    /**
     * Marks this thread as running agent code, until {@link #exitAgent}.
     *
     * @return whether it was marked already, to hand to {@link #exitAgent}
     */
    static boolean enterAgent() {
        State s = STATE.get();
        boolean was = s.inAgent;
        s.inAgent = true;
        return was;
    }

    /** @param was what {@link #enterAgent} returned */
    static void exitAgent(boolean was) {
        STATE.get().inAgent = was;
    }

    /**
     * Runs {@code task} with this thread marked as agent code.
     *
     * @param task what to run
     */
    public static void runAsAgent(Runnable task) {
        boolean was = enterAgent();
        try {
            task.run();
        } finally {
            exitAgent(was);
        }
    }

    /**
     * Wraps a task so that the thread running it is an agent thread for its whole life.
     *
     * @param task what the thread runs
     * @return the wrapped task
     */
    public static Runnable wrap(Runnable task) {
        return new AgentTask(task);
    }

    /** A thread's whole task, run as agent code. */
    private static final class AgentTask implements Runnable {
        private final Runnable task;

        AgentTask(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            STATE.get().inAgent = true;
            try {
                task.run();
            } catch (Throwable t) {
                // an agent thread must not end with a stack trace on the application's stderr
                if (!jvmExiting()) {
                    AgentLog.once(
                            "thread:" + Thread.currentThread().getName(),
                            "jhtrace: agent thread " + Thread.currentThread().getName() + " stopped: " + t);
                }
            }
        }
    }
}
