package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The distributable jar: one self-contained agent + CLI, with nothing of ours visible to the application but our own package. */
class JarContentsIT {
    @Test
    void manifestMakesItAnAgentAndAProgram() throws Exception {
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            Attributes a = jar.getManifest().getMainAttributes();
            // the -javaagent start's hand-over to the agent's own class loader (see AgentLoaderIT)
            assertEquals("dev.jhtrace.agent.loader.JavaagentEntry", a.getValue("Premain-Class"));
            assertEquals("dev.jhtrace.agent.loader.JavaagentEntry", a.getValue("Agent-Class"));
            assertEquals("dev.jhtrace.agent.cli.JhtraceCli", a.getValue("Main-Class"));
            assertEquals("true", a.getValue("Can-Retransform-Classes"));
        }
    }

    @Test
    void dependenciesAreRelocatedAndTheBridgeIsNoClassOfTheJars() throws Exception {
        List<String> outside = new ArrayList<>();
        boolean bytebuddy = false;
        boolean disruptor = false;
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String n = e.getName();
                bytebuddy |= n.startsWith("dev/jhtrace/shaded/bytebuddy/jar/asm/");
                disruptor |= n.startsWith("dev/jhtrace/shaded/disruptor/");
                boolean ours = n.startsWith("dev/jhtrace/")
                        || n.startsWith("META-INF/") && !n.startsWith("META-INF/versions/");
                if (n.endsWith(".class") && !ours || n.startsWith("META-INF/versions/") && !n.endsWith("/")) {
                    outside.add(n);
                }
                assertTrue(
                        !n.startsWith("dev/jhtrace/bootstrap/"),
                        "bridge classes must only be in dev/jhtrace/agent/bridge/, as .bridge files: " + n);
            }
            // exactly the bridge classes BootstrapInjector defines, where it reads them, and nothing else there
            java.util.Set<String> bridge = new java.util.TreeSet<>();
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                if (e.getName().startsWith("dev/jhtrace/agent/bridge/") && !e.isDirectory()) {
                    bridge.add(e.getName().substring("dev/jhtrace/agent/bridge/".length()));
                }
            }
            java.util.Set<String> expected = new java.util.TreeSet<>();
            java.lang.reflect.Field listed =
                    dev.jhtrace.agent.hook.BootstrapInjector.class.getDeclaredField("BRIDGE_CLASSES");
            listed.setAccessible(true); // package-private: the list the agent defines, read as it is
            for (String c : (String[]) listed.get(null)) {
                expected.add(c.substring(c.lastIndexOf('.') + 1) + ".bridge");
            }
            assertEquals(expected, bridge, "the bridge's entries against BootstrapInjector.BRIDGE_CLASSES");
            assertNull(jar.getEntry("dev/jhtrace/agent/jhtrace-bootstrap.jar"), "the nested jar is gone");
            assertNotNull(
                    jar.getEntry("dev/jhtrace/agent/loader/JarClassLoader.class"),
                    "the native start's class loader, which native_start.c defines from the jar");
        }
        assertTrue(bytebuddy, "ByteBuddy's ASM relocated under dev/jhtrace/shaded");
        assertTrue(disruptor, "Disruptor relocated under dev/jhtrace/shaded");
        assertEquals(List.of(), outside, "classes visible to the application outside dev/jhtrace");
    }
}
