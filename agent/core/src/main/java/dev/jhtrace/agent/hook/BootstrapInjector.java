package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AgentJar;
import java.io.IOException;
import java.io.InputStream;

/**
 * Defines the bridge classes in the bootstrap class loader, where inlined advice in {@code java.base}
 * looks for them.
 *
 * <p>The bridge's class files ship in the agent jar under {@code dev/jhtrace/agent/bridge/}, each named
 * {@code SimpleName.bridge}: no class loader takes them for classes (with {@code -javaagent} the jar is on the class
 * path, and the application's loader would otherwise define a second copy of a bridge class the boot loader lacks).
 * They are read straight from the jar and defined with the JDK's internal {@code Unsafe.defineClass} with no class
 * loader (the bootstrap loader). They were a nested jar until 2026-12: reading it took a {@code JarInputStream} and a
 * manifest, four JDK classes from outside the CDS archive and 2-3 ms of every start. Appending a jar to the boot
 * class path would do too, but it makes HotSpot print a CDS warning on the application's stdout and turns
 * class-data sharing off for application classes, slowing start-up; and it would leave a file behind.
 */
public final class BootstrapInjector {
    static final String[] BRIDGE_CLASSES = {
        "dev.jhtrace.bootstrap.HookSink",
        "dev.jhtrace.bootstrap.HandleHooks",
        "dev.jhtrace.bootstrap.LeakChecks$Provider",
        "dev.jhtrace.bootstrap.LeakChecks",
        "dev.jhtrace.bootstrap.AgentPresence$ControlOpener",
        "dev.jhtrace.bootstrap.AgentPresence"
    };
    /** Where the bridge's class files are in the agent jar (the build puts them there: agent/core/pom.xml). */
    static final String DIRECTORY = "dev/jhtrace/agent/bridge/";

    private BootstrapInjector() {}

    /** @return true if an earlier load of the agent already defined the bridge */
    public static boolean alreadyInjected() {
        try {
            Class.forName(BRIDGE_CLASSES[1], false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * @param inst the instrumentation (used to export {@code jdk.internal.misc} to the agent and to let
     *             {@code java.base} read the bridge)
     * @param jar  the agent's jar, holding the bridge's class files (see {@link #DIRECTORY})
     * @throws Exception if a class file is missing or the classes cannot be defined
     */
    public static void inject(JvmInstrumentation inst, AgentJar jar) throws Exception {
        Module javaBase = Object.class.getModule();
        inst.addExports(javaBase, "jdk.internal.misc", BootstrapInjector.class.getModule());
        // a direct call, not reflection: the first reflective call spins method-handle classes (16 ms on JDK 25)
        jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        for (String name : BRIDGE_CLASSES) {
            byte[] bytes = read(jar, name);
            unsafe.defineClass(name, bytes, 0, bytes.length, null, null);
        }
        Module bridge = Class.forName(BRIDGE_CLASSES[1], false, null).getModule();
        inst.addReads(javaBase, bridge);
    }

    /** @return the class file of a bridge class, from the agent jar */
    private static byte[] read(AgentJar jar, String className) throws IOException {
        String entry = DIRECTORY + className.substring(className.lastIndexOf('.') + 1) + ".bridge";
        try (InputStream in = jar.entry(entry)) {
            if (in == null) {
                throw new IOException(entry + " is missing from the agent jar");
            }
            return in.readAllBytes();
        }
    }
}
