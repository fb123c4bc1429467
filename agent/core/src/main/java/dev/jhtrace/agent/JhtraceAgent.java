package dev.jhtrace.agent;

import dev.jhtrace.agent.control.CommandProcessor;
import dev.jhtrace.agent.control.ControlServer;
import dev.jhtrace.agent.control.ControlSocket;
import dev.jhtrace.agent.control.HtraceMBeanImpl;
import dev.jhtrace.agent.hook.BootstrapInjector;
import dev.jhtrace.agent.hook.HookCheck;
import dev.jhtrace.agent.hook.HookInstaller;
import dev.jhtrace.agent.hook.HookPath;
import dev.jhtrace.agent.hook.HookPoint;
import dev.jhtrace.agent.hook.HookPoints;
import dev.jhtrace.agent.hook.JdkAccess;
import dev.jhtrace.agent.hook.JplisInstrumentation;
import dev.jhtrace.agent.hook.JvmInstrumentation;
import dev.jhtrace.agent.hook.JvmtiInstrumentation;
import dev.jhtrace.agent.jni.NativeHooks;
import dev.jhtrace.agent.jni.NativeStart;
import dev.jhtrace.agent.os.DescriptorReserve;
import dev.jhtrace.agent.os.ProcessInfo;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/**
 * The agent's entry points: {@code premain} for {@code -javaagent}, {@code agentmain} for dynamic attach,
 * {@code nativeStart} for {@code -agentpath:libjhtrace.so}.
 *
 * <p>Nothing here may harm the application: every failure ends in one line on stderr naming the reason,
 * with tracing off, and the application goes on. The agent never calls {@code System.exit} and never
 * throws out of these methods.
 */
public final class JhtraceAgent {
    /**
     * How long after {@code premain} the control channel opens, in ms ({@code -Djhtrace.control.delay=}, 200 by
     * default). Its classes and first Unix socket cost 30-50 ms of CPU, which a program's own start-up should not
     * share with it (a hello world took 10-25 ms longer on 2 cores); a CLI that attaches before then opens it at
     * once (see {@link #startTracing(String, JvmInstrumentation, boolean)}).
     */
    private static long controlDelayMillis() {
        try {
            return Math.max(
                    0,
                    Long.parseLong(
                            System.getProperty("jhtrace.control.delay", "200").trim()));
        } catch (NumberFormatException e) {
            AgentLog.once(
                    "control-delay",
                    "jhtrace: -Djhtrace.control.delay=" + System.getProperty("jhtrace.control.delay")
                            + " is not a number of milliseconds; using 200");
            return 200;
        }
    }

    private static volatile Tracer tracer;
    /** The control channel's start, once {@code premain} has scheduled it. */
    private static volatile ControlStart controlStart;

    private JhtraceAgent() {}

    /**
     * Called by the JVM for {@code -javaagent:jhtrace.jar=options}.
     *
     * @param args the options
     * @param inst the instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        start(args, new JplisInstrumentation(inst), false);
    }

    /**
     * Called by the JVM when the agent is loaded into a running JVM.
     *
     * @param args the options
     * @param inst the instrumentation
     */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, new JplisInstrumentation(inst), true);
    }

    /**
     * Called by the native module at VMInit when the JVM was started with {@code -agentpath:libjhtrace.so=options}
     * ({@code native/src/native_start.c}), on the main thread before the application's main class loads.
     *
     * @param args    the options, less {@code jar=}
     * @param library the native module's absolute path: the library already mapped, which the agent loads
     *                rather than a copy from the jar
     * @param bound   whether the native module bound its JNI methods to the agent's class loader already (it calls
     *                {@code Runtime.load0} itself: no reflection)
     */
    public static void nativeStart(String args, String library, boolean bound) {
        dev.jhtrace.agent.jni.NativeHooks.startedFrom(library, bound);
        dev.jhtrace.agent.os.StartEnvironment.use(new JvmtiInstrumentation.LibcGetenv());
        start(args, new JvmtiInstrumentation(), false);
    }

    private static synchronized void start(String args, JvmInstrumentation inst, boolean attached) {
        boolean wasAgent = AgentThreads.enterAgent();
        try {
            startTracing(args, inst, attached);
        } catch (AgentOptions.BadOption e) {
            AgentLog.warn("jhtrace: bad agent option: " + e.getMessage() + "; tracing is off");
        } catch (Throwable t) {
            AgentLog.warn("jhtrace: could not start (" + t + "); tracing is off");
        } finally {
            AgentThreads.exitAgent(wasAgent);
        }
    }

    private static void startTracing(String args, JvmInstrumentation inst, boolean attached) throws Exception {
        AgentOptions options = AgentOptions.parse(args);
        if (tracer != null || BootstrapInjector.alreadyInjected()) {
            ControlStart pending = controlStart;
            if (attached && pending != null && pending.openNow()) {
                return; // the CLI attached before the channel opened (see controlDelayMillis): it is open now
            }
            if (attached && dev.jhtrace.bootstrap.AgentPresence.openControlNow()) {
                return; // the same, for an agent of the native start (its classes are in a class loader of their own)
            }
            AgentLog.warn("jhtrace: the agent is already loaded in this JVM; not loading it again");
            return;
        }
        if (!Files.isDirectory(Paths.get("/proc/self/fd"))) {
            AgentLog.warn("jhtrace: this OS has no /proc/self/fd (jhtrace needs Linux); tracing is off");
            return;
        }
        if (!inst.canRetransform()) {
            AgentLog.warn("jhtrace: this JVM cannot retransform classes; tracing is off");
            return;
        }
        try (AgentJar jar = AgentJar.open()) {
            startTracing(options, inst, attached, jar);
        }
    }

    private static void startTracing(AgentOptions options, JvmInstrumentation inst, boolean attached, AgentJar jar)
            throws Exception {
        BootstrapInjector.inject(inst, jar);
        JdkAccess.open(inst);
        // the native module loads beside the hook installation (see NativeStart): both are awaited below
        // with native=false the library is still mapped (hooks off) when the control channel needs it
        NativeStart nativeStart = options.nativeHooks() || options.control()
                ? NativeStart.begin(jar, options.walker(), options.nativeHooks())
                : null;
        List<HookPoint> points = HookPoints.all();
        dev.jhtrace.agent.hook.HookCheckCache caches =
                dev.jhtrace.agent.hook.HookCheckCache.open(options.cache(), AgentJar.path());
        dev.jhtrace.agent.hook.TransformCache rewrites = dev.jhtrace.agent.hook.TransformCache.load(caches);
        // before any hook can fire: a hook never loads a class of ours (see HookPath); ASM only when a hooked class
        // may still need rewriting: always when the agent runs from the application's class loader (a -javaagent
        // start whose hand-over to a loader of its own failed, see loader.JavaagentEntry), in a loader of its own
        // only when the cache lacks a class
        HookPath.prepare(JhtraceAgent.class.getClassLoader() == ClassLoader.getSystemClassLoader()
                || rewrites == null
                || !rewrites.covers(dev.jhtrace.agent.hook.TransformCache.classesOf(points)));
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Tracer t;
        try {
            t = new Tracer(options, points, warnings);
            t.setHookCheck(new HookCheck(HookInstaller.install(inst, points, rewrites), warnings, caches));
        } catch (Throwable e) {
            if (nativeStart != null) {
                nativeStart.abandon();
            }
            throw e;
        }
        tracer = t;
        if (nativeStart != null) {
            String unavailable = nativeStart.await();
            if (!options.nativeHooks()) {
                // only the control channel wanted the library; it says so itself if the library is missing
            } else if (unavailable == null) {
                t.startNativeDrain();
            } else {
                AgentLog.warn("jhtrace: " + unavailable
                        + "; descriptors opened by native code (JNI, JNA, FFM) stay untraced");
            }
        }
        if (options.reportPath() != null) {
            String problem = dev.jhtrace.agent.report.ReportFile.checkPattern(options.reportPath(), ProcessInfo.pid());
            if (problem != null) {
                AgentLog.warn(
                        "jhtrace: report=" + AgentOptions.printable(options.reportPath()) + ": " + problem
                                + "; tracing goes on, and at exit the summary goes to stderr if the report still cannot be written");
            }
        }
        DescriptorReserve.take();
        new ShutdownReporter(t).register();
        if (options.control()) {
            ControlStart control = new ControlStart(t, inst, attached ? 0 : controlDelayMillis());
            controlStart = control;
            PresenceLink.publish(control);
            if (attached) {
                control.openNow(); // the CLI that attached connects as soon as agentmain returns
            } else {
                // off the application's start-up: the Unix socket and JMX classes cost tens of milliseconds
                Thread starter = new Thread(AgentThreads.wrap(control), "jhtrace-control-start");
                starter.setDaemon(true);
                starter.start();
            }
        }
    }

    /**
     * Publishes a control start to {@link dev.jhtrace.bootstrap.AgentPresence} for a second copy of the agent's
     * classes. A class of its own: a method that hands an object to the bridge's interface type cannot be verified
     * before the bridge exists, so none of {@link JhtraceAgent}'s may (agentmain is verified before it injects it).
     */
    private static final class PresenceLink implements dev.jhtrace.bootstrap.AgentPresence.ControlOpener {
        private final ControlStart start;

        private PresenceLink(ControlStart start) {
            this.start = start;
        }

        static void publish(ControlStart start) {
            dev.jhtrace.bootstrap.AgentPresence.publish(new PresenceLink(start));
        }

        /**
         * Called by the second copy's {@code agentmain} on the JVM's Attach Listener thread, which that copy marks as
         * agent code in its own thread state, not in this one's: the socket opened here would be traced as the
         * program's (a leak of the Attach Listener in every report) unless this copy marks the thread too.
         */
        @Override
        public boolean openNow() {
            boolean was = AgentThreads.enterAgent();
            try {
                return start.openNow();
            } finally {
                AgentThreads.exitAgent(was);
            }
        }
    }

    private static final class ControlStart implements Runnable {
        private final Tracer tracer;
        private final JvmInstrumentation inst;
        private final long delayMillis;
        private CommandProcessor processor;
        private boolean opened;

        ControlStart(Tracer tracer, JvmInstrumentation inst, long delayMillis) {
            this.tracer = tracer;
            this.inst = inst;
            this.delayMillis = delayMillis;
        }

        /**
         * The starter thread's task: the MBean at once (a program may create the platform MBean server as it
         * starts, and expects ours in it), the Unix socket after the delay (unless a CLI had it opened already).
         */
        @Override
        public void run() {
            guarded(false);
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                return;
            }
            openNow();
        }

        /** @return true if this call opened the channel, false if it was open already */
        boolean openNow() {
            synchronized (this) {
                if (opened) {
                    return false;
                }
                opened = true;
            }
            guarded(true);
            return true;
        }

        private void guarded(boolean socket) {
            try {
                synchronized (this) {
                    if (processor == null) {
                        processor = new CommandProcessor(tracer);
                        prepareMBean();
                    }
                }
                if (socket) {
                    // outside the lock: at the descriptor limit this waits, and an attaching CLI must not wait with it
                    openSocket();
                }
            } catch (Throwable t) {
                // the JVM may be exiting already (instrumentation then answers null); nothing here may escape the
                // thread
                if (!AgentThreads.jvmExiting()) {
                    AgentLog.once(
                            "control-start", "jhtrace: the control channel did not start (" + t + "); tracing goes on");
                }
            }
        }

        private void openSocket() {
            if (!NativeHooks.libraryLoaded) {
                AgentLog.warn(
                        "jhtrace: no control channel (the native module, which serves it, is not loaded); the CLI cannot"
                                + " reach this process, tracing goes on");
                return;
            }
            ControlServer server;
            try {
                server = new ControlServer(processor, ControlSocket.euid0(), ProcessInfo.pid());
            } catch (Throwable e) {
                AgentLog.once(
                        "control-start", "jhtrace: the control channel did not start (" + e + "); tracing goes on");
                return;
            }
            if (Thread.currentThread().getName().equals("jhtrace-control-start")) {
                // the starter thread may wait: for a report at the limit to give the spare descriptors back, and for
                // descriptors
                retry(server);
            } else if (!listen(server)) {
                // called on the JVM's Attach Listener thread (a CLI attached): it must not wait, so a thread of ours
                // does
                try {
                    Thread t = new Thread(AgentThreads.wrap(new Retry(server)), "jhtrace-control-start");
                    t.setDaemon(true);
                    t.start();
                } catch (Throwable e) {
                    AgentLog.once(
                            "control-start",
                            "jhtrace: no thread for the control channel to wait for a descriptor (" + e
                                    + "); tracing goes on without it");
                }
            }
        }

        /** @return true once the channel listens, or once it failed for good (said on stderr); false: no descriptor yet */
        private boolean listen(ControlServer server) {
            try {
                server.start();
                return true;
            } catch (ControlServer.OutOfDescriptors e) {
                // the program is at its descriptor limit: the channel opens once it has descriptors again
                AgentLog.once(
                        "control-wait",
                        "jhtrace: the control channel waits for a free descriptor (" + e.getMessage() + ")");
                return false;
            } catch (Exception e) {
                if (!AgentThreads.jvmExiting()) {
                    AgentLog.warn("jhtrace: no control channel (" + e.getMessage()
                            + "); the CLI cannot reach this process, tracing goes on");
                }
                return true;
            }
        }

        private void retry(ControlServer server) {
            // while a report at the limit borrows the spare descriptors, the channel does not try to take them
            while (DescriptorReserve.lent() || !listen(server)) {
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }

        /** The retries of a channel that found no free descriptor, on a thread of the agent's own. */
        private final class Retry implements Runnable {
            private final ControlServer server;

            Retry(ControlServer server) {
                this.server = server;
            }

            @Override
            public void run() {
                retry(server);
            }
        }

        /**
         * How often a channel that found no free descriptor tries again: soon after the program frees descriptors, the
         * CLI can reach it (a try costs one failed {@code socket()} call).
         */
        private static final long RETRY_MILLIS = 100;

        private void prepareMBean() {
            HtraceMBeanImpl mbean = new HtraceMBeanImpl(processor, tracer).registerWhenPlatformServerExists();
            for (Class<?> c : inst.loadedClasses()) {
                if (c.getName().equals("com.sun.jmx.mbeanserver.JmxMBeanServer")) {
                    // the platform server exists already (attached to a JVM running JMX, or created while this
                    // thread started): register now
                    mbean.register(java.lang.management.ManagementFactory.getPlatformMBeanServer());
                    break;
                }
            }
        }
    }
}
