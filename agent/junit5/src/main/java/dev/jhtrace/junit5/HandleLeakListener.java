package dev.jhtrace.junit5;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * A whole test run's report of which test classes leaked what, without touching test code: a JUnit Platform
 * listener, registered by this jar (ServiceLoader) and off unless the configuration parameter {@code
 * jhtrace.listener.enabled=true} (in {@code junit-platform.properties}, or Surefire's {@code
 * configurationParameters}).
 *
 * <p>Each top-level test class is one mark to its end; at the end of the run the classes that left handles open (or
 * to the GC) are written to {@code jhtrace.listener.dir} (default {@code target/jhtrace}) as {@code
 * junit-leaks-PID.txt}, each with its {@code !htrace} text, and one line per such class goes to stdout, which Maven
 * shows. It never fails a test: {@code jhtrace check} over the agent's reports, or {@link NoHandleLeaks}, do that.
 */
public final class HandleLeakListener implements TestExecutionListener {
    /** The configuration parameter that turns it on. */
    static final String ENABLED = "jhtrace.listener.enabled";
    /** Where it writes its report. */
    static final String DIR = "jhtrace.listener.dir";

    private final Map<String, Long> marks = new ConcurrentHashMap<>();
    private final List<String> leaked = java.util.Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder report = new StringBuilder();
    private volatile boolean on;
    private volatile Path dir;
    private int classes;
    /** How many of {@link #leaked} were printed already. */
    private int printed;

    private boolean toldClean;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        on = plan.getConfigurationParameters().getBoolean(ENABLED).orElse(false);
        if (!on) {
            return;
        }
        dir = Paths.get(plan.getConfigurationParameters().get(DIR).orElse("target/jhtrace"));
        boolean selfAttach = plan.getConfigurationParameters()
                .getBoolean(AgentLink.SELF_ATTACH)
                .orElse(!"false".equalsIgnoreCase(System.getProperty(AgentLink.SELF_ATTACH)));
        String reason = AgentLink.ensure(selfAttach);
        if (reason != null) {
            on = false;
            System.out.println("jhtrace: no leak report of this test run: " + reason);
        }
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        String cls = topLevelClass(id);
        if (on && cls != null) {
            marks.put(id.getUniqueId(), AgentLink.mark());
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        Long mark = marks.remove(id.getUniqueId());
        if (mark == null) {
            return;
        }
        String cls = topLevelClass(id);
        Object[] v = AgentLink.leaksSince(mark, new String[0], "test class " + cls, cls);
        synchronized (report) {
            classes++;
            if (v == null || (Integer) v[0] < 0) {
                report.append(cls)
                        .append(": no verdict: ")
                        .append(v != null ? v[2] : "no agent")
                        .append("\n\n");
            } else if ((Integer) v[0] + (Integer) v[1] > 0) {
                leaked.add(cls + ": " + v[0] + " open, " + v[1] + " closed only by the GC");
                report.append("=== ").append(cls).append('\n').append(v[2]).append('\n');
            }
        }
    }

    /**
     * Writes the report so far and prints the classes that leaked since the last print. One JVM may run several test
     * plans (Surefire reusing a fork, or rerunning failures): the file grows with them, replaced whole each time.
     */
    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (!on) {
            return;
        }
        String content;
        List<String> fresh;
        int checked;
        synchronized (report) {
            checked = classes;
            content = leaked.size() + " of " + classes + " test class(es) leaked handles\n" + String.join("\n", leaked)
                    + "\n\n" + report;
            fresh = new ArrayList<>(leaked.subList(printed, leaked.size()));
            printed = leaked.size();
        }
        Path file = dir.resolve("junit-leaks-" + ProcessHandle.current().pid() + ".txt");
        try {
            write(file, content);
        } catch (IOException | RuntimeException e) {
            System.out.println("jhtrace: could not write " + file + ": " + e);
            file = null;
        }
        if (fresh.isEmpty()) {
            if (printed == 0 && !toldClean) {
                toldClean = true;
                System.out.println("jhtrace: no test class leaked handles (" + checked + " checked)");
            }
            return;
        }
        System.out.println("jhtrace: " + printed + " of " + checked + " test class(es) leaked handles"
                + (file != null ? " (" + file + ")" : "") + ":");
        for (String line : fresh) {
            System.out.println("jhtrace:   " + line);
        }
    }

    /** Replaces the report whole: written owner-only beside it, never through a link, then moved over it. */
    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(
                file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(
                temp,
                java.util.Set.of(
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** @return the class name when {@code id} is a top-level test class, else null */
    private static String topLevelClass(TestIdentifier id) {
        if (!id.isContainer() || id.getSource().isEmpty() || !(id.getSource().get() instanceof ClassSource)) {
            return null;
        }
        Class<?> c;
        try {
            c = ((ClassSource) id.getSource().get()).getJavaClass();
        } catch (RuntimeException e) {
            return null;
        }
        return c.getEnclosingClass() == null ? c.getName() : null;
    }
}
