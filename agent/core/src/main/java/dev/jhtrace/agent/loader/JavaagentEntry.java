package dev.jhtrace.agent.loader;

import java.lang.instrument.Instrumentation;
import java.nio.file.Paths;
import java.util.function.Consumer;
import java.util.zip.ZipFile;

/**
 * The {@code -javaagent} start's entry (the jar's {@code Premain-Class} and {@code Agent-Class}): hands over to the
 * agent's classes in a {@link JarClassLoader} of their own, as the native start does, instead of running them from the
 * application's class loader, where {@code java.instrument} put the jar.
 *
 * <p>Why: the application's class loader is a {@code URLClassLoader}-like class path whose machinery is interpreted at
 * start-up (about a third slower per class than the jar read here), and a class of the agent loaded through it takes
 * its locks: a hook that fires on an application thread holding the class path's lock (opening the next jar) must
 * never load one, so that start had to load the class rewriter and ASM before {@code main} whether or not a class
 * needed rewriting ({@code HookPath}). In a loader of their own, the agent's classes wait for no lock of the
 * application's, and ASM loads only when the transform cache lacks a class.
 *
 * <p>The hand-over takes no reflection (its first use spins classes): the agent's {@code JavaagentStart}, initialised
 * in the new loader, registers itself with the loader ({@link JarClassLoader#accept}) as a {@link Consumer}, a type
 * both sides see. This class and {@link JarClassLoader} are the only ones of the agent the application's class loader
 * loads; a dynamic attach (a CLI loop attaches again and again) reuses the loader of the first start. When the
 * hand-over cannot be made (the jar cannot be read as a file), the agent starts from the application's class loader,
 * as it did before this class.
 */
public final class JavaagentEntry {
    /** The agent's start class, by name: a class literal would load it here. */
    private static final String START = "dev.jhtrace.agent.JavaagentStart";

    /** The agent's loader, made at the first start; guarded by this class. */
    private static JarClassLoader loader;

    private JavaagentEntry() {}

    /**
     * Called by the JVM for {@code -javaagent:jhtrace.jar=options}.
     *
     * @param args the options
     * @param inst the instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        Consumer<Object[]> start = start();
        if (start != null) {
            start.accept(new Object[] {Boolean.FALSE, args, inst});
        } else {
            dev.jhtrace.agent.JhtraceAgent.premain(args, inst);
        }
    }

    /**
     * Called by the JVM when the agent is loaded into a running JVM.
     *
     * @param args the options
     * @param inst the instrumentation
     */
    public static void agentmain(String args, Instrumentation inst) {
        Consumer<Object[]> start = start();
        if (start != null) {
            start.accept(new Object[] {Boolean.TRUE, args, inst});
        } else {
            dev.jhtrace.agent.JhtraceAgent.agentmain(args, inst);
        }
    }

    /** @return the agent's start in its own loader, or {@code null} when it cannot be made */
    @SuppressWarnings("unchecked")
    private static synchronized Consumer<Object[]> start() {
        try {
            if (loader == null) {
                String path = Paths.get(JavaagentEntry.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toAbsolutePath()
                        .toString();
                // the same file the class path opened: ZipFile shares its descriptor, no second one is held
                loader = new JarClassLoader(new ZipFile(path), path, ClassLoader.getPlatformClassLoader());
            }
            if (loader.entry() == null) {
                Class.forName(START, true, loader);
            }
            return (Consumer<Object[]>) loader.entry();
        } catch (Exception | LinkageError e) {
            return null;
        }
    }
}
