package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AgentLog;
import dev.jhtrace.agent.AgentThreads;
import dev.jhtrace.agent.DropLedger;
import dev.jhtrace.agent.Emitter;
import dev.jhtrace.agent.EventRing;
import dev.jhtrace.agent.HandleCapture;
import dev.jhtrace.agent.HandleEvent;
import dev.jhtrace.agent.HandleKind;
import dev.jhtrace.agent.TraceType;
import dev.jhtrace.agent.jni.NativeHooks;

/**
 * Loads and initialises, in {@code premain}, every class of the agent's jar that a hook or the class file
 * transformer may need later on an application thread.
 *
 * <p>Why: an application thread that opens a jar (the next {@code -javaagent}, a class path entry) holds the
 * application class loader's {@code URLClassPath} lock while the open hook runs. Had the hook to load a class of
 * the agent's jar then, it would need a class-loading lock that an agent thread (the control channel starting,
 * loading its own classes) may hold while it waits for that very {@code URLClassPath} lock: the JVM hung at
 * start-up that way beside JaCoCo and other agents. With everything loaded before the application runs, a hook
 * never loads a class of ours, and agent threads loading theirs wait for nobody who waits for them.
 *
 * <p>The list: the capture path ({@link HandleCapture} down to the ring), the failure path of a hook
 * ({@link AgentLog}), and the ASM classes a transformed class's features may call for (a JDK class loaded later,
 * instrumented on the thread that loads it), found with {@code -Xlog:class+load}: those of ours that loaded after the
 * application's main class had (ASM's {@code Handle} on an application thread, {@link AgentLog} on a hook's failure
 * path). {@code OtherAgentsIT} starts JVMs beside other agents to catch a hang if one is missed.
 */
public final class HookPath {
    private static final Class<?>[] CLASSES = {
        HandleCapture.class,
        Emitter.class,
        Extractors.class,
        Extraction.class,
        HandleKind.class,
        HookPoint.class,
        TraceType.class,
        EventRing.class,
        HandleEvent.class,
        AgentThreads.class,
        NativeHooks.class,
        JdkAccess.class,
        DropLedger.class,
        AgentLog.class,
        HookTransformer.class,
        TransformCache.class,
        TransformCache.Entry.class,
    };
    /**
     * The rewriter and ASM, by name: a class literal would load them with this class. ASM's package-private and
     * nested classes are among them, relative to ASM's package.
     */
    private static final String[] REWRITER = {
        "dev.jhtrace.agent.hook.HookRewriter",
        "dev.jhtrace.agent.hook.HookClassVisitor",
        "dev.jhtrace.agent.hook.HookMethodVisitor",
        "dev.jhtrace.agent.hook.MethodShape",
        "dev.jhtrace.agent.hook.HookCode",
    };

    private static final String[] ASM = {
        "Attribute",
        "ConstantDynamic",
        "Handle",
        "TypePath",
        "TypeReference",
        "Label",
        "Type",
        "Attribute$Set",
        "Constants",
        "SymbolTable$LabelEntry",
        "SymbolTable$Entry",
        "Symbol",
        "CurrentFrame",
        "Handler",
        "ByteVector",
        "Context",
        "Edge",
        "Frame"
    };

    private HookPath() {}

    /**
     * Loads and initialises the classes; one that is missing is skipped (it cannot be needed then).
     *
     * @param asm also ASM's: left out only where no hooked class can need rewriting on an application thread and
     *            loading them there would wait for no lock of the application's (the agent in a class loader of its
     *            own, as both starts put it, with every hooked class in {@link TransformCache})
     */
    public static void prepare(boolean asm) {
        ClassLoader loader = HookPath.class.getClassLoader();
        for (Class<?> c : CLASSES) {
            init(c.getName(), loader);
        }
        if (asm) {
            for (String name : REWRITER) {
                init(name, loader);
            }
            // ASM's package as the shading relocated it, read off a class that names it, not written here
            String asmPackage = HookRewriterPackage.NAME;
            for (String name : ASM) {
                init(asmPackage + name, loader);
            }
        }
        // the ledger's VarHandle links its access modes at first use: done here, on a scratch ledger, not in a hook
        DropLedger scratch = new DropLedger();
        scratch.dropped(0);
        scratch.count(0);
    }

    private static void init(String name, ClassLoader loader) {
        try {
            Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // absent from this build of ASM: nothing can need it
        }
    }

    /** ASM's package: a class of its own, so that naming an ASM class here loads it only when asked for. */
    private static final class HookRewriterPackage {
        static final String NAME = net.bytebuddy.jar.asm.Handle.class.getPackageName() + ".";
    }
}
