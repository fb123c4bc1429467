package dev.jhtrace.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Loads the agent into a running JVM with the attach API. Done once per target: afterwards every command
 * goes over the control channel, because JDK 21+ prints a warning for each dynamically loaded agent.
 */
final class AgentLoader {
    private AgentLoader() {}

    /**
     * @param pid     the target
     * @param options agent options
     * @throws Target.Refused with the reason when the target does not let the agent in
     */
    static void load(long pid, String options) throws Target.Refused {
        String cmdline = cmdline(pid);
        if (cmdline.contains("-XX:-EnableDynamicAgentLoading")) {
            throw new Target.Refused(
                    "process " + pid + " does not allow loading agents (-XX:-EnableDynamicAgentLoading); "
                            + "start it with -javaagent:" + jar() + " instead");
        }
        if (cmdline.contains("-XX:+DisableAttachMechanism")) {
            throw new Target.Refused("process " + pid + " does not allow attaching (-XX:+DisableAttachMechanism); "
                    + "start it with -javaagent:" + jar() + " instead");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new Target.Refused(attachRefused(pid, String.valueOf(e.getMessage())));
        }
        try {
            vm.loadAgent(jarFor(pid), options);
        } catch (AgentLoadException | AgentInitializationException e) {
            String m = String.valueOf(e.getMessage());
            throw new Target.Refused("process " + pid + " refused the agent: " + m
                    + (m.contains("EnableDynamicAgentLoading") || m.contains("not enabled")
                            ? "; start it with -javaagent:" + jar() + " instead"
                            : ""));
        } catch (IOException e) {
            throw new Target.Refused("loading the agent into process " + pid + " failed: " + e.getMessage());
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the agent is in; nothing else to do
            }
        }
    }

    /**
     * @param pid     the target
     * @param message what the JDK's attach said
     * @return the line to print: the JDK's reason, and what to do when the reason is not plain from it
     */
    static String attachRefused(long pid, String message) {
        String line = "cannot attach to process " + pid + ": " + message;
        if (message.contains("is not secure") && message.contains("owned by")) {
            // a JVM of another user, killed with this number, left its socket; this one cannot replace it in /tmp
            line += "; it was left by a JVM of another user that had the same process number and was killed:"
                    + " that user or root can remove it, or start the program with -javaagent";
        }
        return line;
    }

    /**
     * The agent jar by a path the target can open: this CLI's own jar on one host; in a container (another mount
     * namespace), a copy put in the container's {@code /tmp}, owner-only (this CLI runs as the target's user), which
     * stays there while the JVM runs (its classes are read from it).
     *
     * @param pid the target
     * @return the path to give the target
     * @throws Target.Refused when the copy cannot be made
     */
    static String jarFor(long pid) throws Target.Refused {
        Path jar = jar();
        TargetRoot where = TargetRoot.of(pid);
        if (where.own()) {
            return jar.toString();
        }
        Path inside = Paths.get("/tmp", "jhtrace-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jar");
        Path copy;
        try {
            copy = where.resolveNoLinks(inside);
        } catch (IOException e) {
            throw new Target.Refused(
                    "cannot put the agent jar where process " + pid + " can read it: " + e.getMessage());
        }
        // created with its mode, never through a link: the container's /tmp is its users' to write
        try (java.nio.channels.SeekableByteChannel out = Files.newByteChannel(
                        copy,
                        java.util.Set.of(
                                java.nio.file.StandardOpenOption.CREATE_NEW,
                                java.nio.file.StandardOpenOption.WRITE,
                                java.nio.file.LinkOption.NOFOLLOW_LINKS),
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                java.io.InputStream in = Files.newInputStream(jar)) {
            in.transferTo(java.nio.channels.Channels.newOutputStream(out));
        } catch (IOException | RuntimeException e) {
            throw new Target.Refused(
                    "cannot put the agent jar where process " + pid + " can read it (" + copy + "): " + e);
        }
        return inside.toString();
    }

    /** @return the jar this CLI runs from, which is also the agent */
    static Path jar() throws Target.Refused {
        try {
            Path p = Paths.get(AgentLoader.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new Target.Refused("run the CLI from jhtrace.jar (java -jar jhtrace.jar ...), not from " + p);
            }
            return p;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new Target.Refused("cannot find jhtrace.jar: " + e.getMessage());
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
