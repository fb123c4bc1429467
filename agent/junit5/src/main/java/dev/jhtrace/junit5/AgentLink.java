package dev.jhtrace.junit5;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The extension's line to the agent in this JVM: {@code dev.jhtrace.bootstrap.LeakChecks}, reached by name through
 * the bootstrap class loader (so that no agent class is on the test class path, and so that it is found even when
 * the agent was loaded after this class), and loading the agent when it is not there.
 *
 * <p>Loading it: the agent jar this module carries as a resource is written to an owner-only temporary directory,
 * and the jar's own CLI, run as a child process with this JVM's {@code java}, attaches to this JVM ({@code jhtrace
 * PID -enable}). A child, because a JVM may not attach to itself unless started with {@code
 * -Djdk.attach.allowAttachSelf=true}. JDK 21 and later print a warning on stderr when an agent is loaded so
 * (docs/testing.md). Turned off with the configuration parameter or system property {@code jhtrace.selfAttach=false}.
 */
final class AgentLink {
    /** The configuration parameter (or system property) that turns loading the agent off. */
    static final String SELF_ATTACH = "jhtrace.selfAttach";

    private static final String LEAK_CHECKS = "dev.jhtrace.bootstrap.LeakChecks";
    private static final long ATTACH_TIMEOUT_SECONDS = 60;

    private static String unavailable;
    private static boolean tried;
    private static Method mark;
    private static Method leaksSince;

    private AgentLink() {}

    /**
     * Finds the agent, or loads it (once per JVM).
     *
     * @param selfAttach whether the extension may load the agent
     * @return null when it is there, else why not (one line)
     */
    static synchronized String ensure(boolean selfAttach) {
        if (mark != null) {
            return null;
        }
        if (link()) {
            return null;
        }
        if (tried || unavailable != null) {
            return unavailable; // tried before, or an agent is there that this extension cannot use: none loaded over
            // it
        }
        tried = true;
        if (!selfAttach) {
            unavailable = "no jhtrace agent in this JVM (add -javaagent:jhtrace.jar to the test JVM's options;" + " "
                    + SELF_ATTACH + "=false keeps the extension from loading it)";
            return unavailable;
        }
        unavailable = attach();
        if (unavailable == null && !link()) {
            unavailable = "the jhtrace agent was loaded but does not answer (" + LEAK_CHECKS + " not published)";
        }
        return unavailable;
    }

    private static boolean link() {
        try {
            Class<?> c = Class.forName(LEAK_CHECKS, true, null);
            if (!(Boolean) c.getMethod("available").invoke(null)) {
                return false;
            }
            leaksSince = c.getMethod("leaksSince", long.class, String[].class, String.class, String.class);
            mark = c.getMethod("mark");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unavailable = "the jhtrace agent in this JVM cannot be used by this extension (" + e + ")";
            return false;
        }
    }

    /** @return null once the agent is loaded, else why it is not */
    private static String attach() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(
                    "jhtrace-junit5-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // deleteOnExit deletes in the reverse order: the directory last, once it is empty
            dir.toFile().deleteOnExit();
            Path jar = dir.resolve("jhtrace.jar");
            try (InputStream in = AgentLink.class.getResourceAsStream("jhtrace.jar")) {
                if (in == null) {
                    return "no agent jar in the extension's jar (a build without it)";
                }
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            }
            // the agent reads its classes from the jar while the JVM runs: removed at exit, not now
            jar.toFile().deleteOnExit();
            List<String> command = new ArrayList<>();
            command.add(javaOfThisJvm());
            command.add("-jar");
            command.add(jar.toString());
            command.add(Long.toString(ProcessHandle.current().pid()));
            command.add("-enable");
            Path output = dir.resolve("attach.out");
            output.toFile().deleteOnExit();
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(ATTACH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "loading the jhtrace agent into this JVM did not finish within " + ATTACH_TIMEOUT_SECONDS + " s";
            }
            if (p.exitValue() != 0) {
                String said =
                        Files.readString(output, StandardCharsets.UTF_8).strip().replace('\n', ' ');
                return "the jhtrace agent could not be loaded into this JVM (" + said + ")";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "the jhtrace agent could not be loaded into this JVM (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while loading the jhtrace agent";
        }
    }

    private static String javaOfThisJvm() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return a mark to give to {@link #leaksSince} */
    static long mark() {
        try {
            return (Long) mark.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jhtrace: " + e, e);
        }
    }

    /**
     * @return {@code {Integer open, Integer reclaimed, String text}}, see {@code LeakChecks.Provider#leaksSince}
     */
    static Object[] leaksSince(long since, String[] suppress, String title, String testClass) {
        try {
            return (Object[]) leaksSince.invoke(null, since, suppress, title, testClass);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jhtrace: " + e, e);
        }
    }
}
