package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AgentJar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * Defines the bridge classes in the bootstrap class loader, where inlined advice in {@code java.base}
 * looks for them.
 *
 * <p>The bridge ships inside the agent jar as a nested jar, read in memory and defined with the JDK's
 * internal {@code Unsafe.defineClass} with no class loader (the bootstrap loader). Appending a jar to the boot
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
    private static final String RESOURCE = "dev/jhtrace/agent/jhtrace-bootstrap.jar";

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
     * @param jar  the agent's jar, holding the bridge classes in a nested jar
     * @throws Exception if the nested jar is missing or the classes cannot be defined
     */
    public static void inject(JvmInstrumentation inst, AgentJar jar) throws Exception {
        Module javaBase = Object.class.getModule();
        inst.addExports(javaBase, "jdk.internal.misc", BootstrapInjector.class.getModule());
        Map<String, byte[]> classes = readNestedJar(jar);
        // a direct call, not reflection: the first reflective call spins method-handle classes (16 ms on JDK 25)
        jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        for (String name : BRIDGE_CLASSES) {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new IOException(name + " is missing from " + RESOURCE);
            }
            unsafe.defineClass(name, bytes, 0, bytes.length, null, null);
        }
        Module bridge = Class.forName(BRIDGE_CLASSES[1], false, null).getModule();
        inst.addReads(javaBase, bridge);
    }

    private static Map<String, byte[]> readNestedJar(AgentJar jar) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        try (InputStream raw = jar.entry(RESOURCE)) {
            if (raw == null) {
                throw new IOException(RESOURCE + " is missing from the agent jar");
            }
            try (JarInputStream in = new JarInputStream(raw)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    if (e.getName().endsWith(".class")) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        in.transferTo(out);
                        String name = e.getName()
                                .substring(0, e.getName().length() - 6)
                                .replace('/', '.');
                        classes.put(name, out.toByteArray());
                    }
                }
            }
        }
        return classes;
    }
}
