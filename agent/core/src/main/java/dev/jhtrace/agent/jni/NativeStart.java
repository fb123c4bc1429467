package dev.jhtrace.agent.jni;

import dev.jhtrace.agent.AgentJar;
import dev.jhtrace.agent.AgentThreads;
import dev.jhtrace.agent.WalkerMode;

/**
 * Loads the native module on a thread of its own while {@code premain} puts the hooks in.
 *
 * <p>Why: loading the module (copying it out of the jar, mapping it, creating jmethodIDs for every loaded class,
 * patching the import tables of loaded libraries) and instrumenting the JDK classes are independent and each take
 * 10-25 ms of the program's start-up; run side by side they cost the longer of the two. {@code premain} still waits
 * for both before it returns, so no event of the program is missed. Hooks that fire meanwhile (the agent's own work,
 * JVM threads) take Java stacks, which the native module would have taken faster.
 */
public final class NativeStart implements Runnable {
    private final AgentJar jar;
    private final WalkerMode walker;
    private final boolean hooks;
    private final Thread thread;
    private volatile String unavailable = "the native module did not finish loading";

    private NativeStart(AgentJar jar, WalkerMode walker, boolean hooks) {
        this.jar = jar;
        this.walker = walker;
        this.hooks = hooks;
        this.thread = new Thread(AgentThreads.wrap(this), "jhtrace-native-start");
        thread.setDaemon(true);
    }

    /**
     * Starts loading the module; when no thread can be started, loads it on the caller's.
     *
     * @param jar    the agent jar, open until {@link #await} returns
     * @param walker the {@code walker=} option
     * @param hooks  whether to start the hooks ({@code native=true}) or only map the library, for the control channel
     * @return the load in progress
     */
    public static NativeStart begin(AgentJar jar, WalkerMode walker, boolean hooks) {
        NativeStart start = new NativeStart(jar, walker, hooks);
        try {
            start.thread.start();
        } catch (Throwable t) {
            start.run(); // no thread to be had (out of memory, a thread limit): the same work, in line
        }
        return start;
    }

    @Override
    public void run() {
        unavailable = hooks ? NativeHooks.load(jar, walker) : NativeHooks.loadLibrary(jar);
    }

    /**
     * Waits for the module.
     *
     * @return null once it is loaded and started, else why it is unavailable
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public String await() throws InterruptedException {
        thread.join(); // returns at once when the load ran in line
        return unavailable;
    }

    /** Waits for the module and switches its hooks off: the agent did not start, nothing drains them. */
    public void abandon() {
        try {
            if (await() == null && hooks) {
                NativeHooks.setEnabled0(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
