package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forks a target JVM with the real built {@code jhtrace.jar} as its agent, and collects its exit status,
 * stdout, stderr and JSON leak report.
 */
public final class TargetJvm {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JVM options that make HotSpot verify the JDK's own classes, and so every class the agent instrumented. */
    public static final List<String> VERIFY_JDK =
            List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal");

    /**
     * What a target run produced.
     *
     * @param exitCode the target's exit status
     * @param stdout   its standard output
     * @param stderr   its standard error
     * @param report   the parsed JSON report, or null if none was written
     * @param reportText the report file's raw content, or null
     */
    public record Result(int exitCode, String stdout, String stderr, JsonNode report, String reportText) {
        /** @return stdout lines starting with {@code prefix}, without it */
        public List<String> lines(String prefix) {
            List<String> out = new ArrayList<>();
            for (String l : stdout.split("\n")) {
                if (l.startsWith(prefix)) {
                    out.add(l.substring(prefix.length()));
                }
            }
            return out;
        }
    }

    private TargetJvm() {}

    /** @return the agent jar under test */
    public static Path agentJar() {
        Path jar = Paths.get(System.getProperty("jhtrace.jar", "../target/jhtrace.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the agent jar " + jar + " was not built");
        }
        return jar;
    }

    /**
     * How the suite starts the agent in the JVMs it forks: {@code -javaagent} by default, the native start
     * ({@code -agentpath}) with {@code -Djhtrace.it.start=native} (the failsafe execution {@code native-start}
     * runs every forked-JVM test that way too).
     *
     * @return whether the native start is under test
     */
    public static boolean nativeStart() {
        return "native".equals(System.getProperty("jhtrace.it.start", "javaagent"));
    }

    /** @return the native start's library, beside the jar as the build puts it */
    public static Path agentLibrary() {
        Path lib = agentJar().toAbsolutePath().resolveSibling("libjhtrace.so");
        if (!Files.isRegularFile(lib)) {
            throw new IllegalStateException("the native start's library " + lib + " was not built");
        }
        return lib;
    }

    /**
     * @return the JVM option that starts the agent under test, to which {@code =options} may be appended:
     *     {@code -javaagent:jhtrace.jar} or {@code -agentpath:libjhtrace.so} (see {@link #nativeStart})
     */
    public static String agentFlag() {
        return agentFlag(agentJar());
    }

    /**
     * @param jar a copy of the agent jar (the native start's library is copied beside it by {@link #copyAgent})
     * @return the JVM option that starts that copy
     */
    public static String agentFlag(Path jar) {
        return nativeStart()
                ? "-agentpath:" + jar.toAbsolutePath().resolveSibling("libjhtrace.so")
                : "-javaagent:" + jar;
    }

    /**
     * Copies the agent (the jar, and the native start's library beside it) into a directory.
     *
     * @param dir where to
     * @return the copied jar
     * @throws IOException if a copy fails
     */
    public static Path copyAgent(Path dir) throws IOException {
        Path jar = Files.copy(agentJar(), dir.resolve("jhtrace.jar"));
        Files.copy(agentLibrary(), dir.resolve("libjhtrace.so"));
        return jar;
    }

    /**
     * Runs a target main class with the agent and {@code report=<tmp>.json} plus {@code extraOptions}.
     *
     * @param jdk          which JDK
     * @param extraOptions more agent options ("" for none)
     * @param mainClass    the target
     * @param args         its arguments
     * @return what happened
     * @throws Exception on I/O failure or timeout
     */
    public static Result runWithReport(Jdk jdk, String extraOptions, Class<?> mainClass, String... args)
            throws Exception {
        return runWithReport(jdk, List.of(), extraOptions, mainClass, args);
    }

    /**
     * Runs a target main class with JVM options, the agent and {@code report=<tmp>.json} plus {@code extraOptions}.
     *
     * @param jdk          which JDK
     * @param jvmArgs      JVM options before the agent's
     * @param extraOptions more agent options ("" for none)
     * @param mainClass    the target
     * @param args         its arguments
     * @return what happened
     * @throws Exception on I/O failure or timeout
     */
    public static Result runWithReport(
            Jdk jdk, List<String> jvmArgs, String extraOptions, Class<?> mainClass, String... args) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-it");
        try {
            Path report = dir.resolve("report.json");
            String options = "report=" + report + (extraOptions.isEmpty() ? "" : "," + extraOptions);
            List<String> all = new ArrayList<>(jvmArgs);
            all.add(agentFlag() + "=" + options);
            Result r = run(jdk, all, mainClass, args);
            String text = Files.exists(report) ? Files.readString(report) : null;
            return new Result(r.exitCode(), r.stdout(), r.stderr(), text == null ? null : JSON.readTree(text), text);
        } finally {
            Reports.deleteTree(dir);
        }
    }

    /**
     * Runs a target main class with the given JVM options.
     *
     * @param jdk       which JDK
     * @param jvmArgs   options before the class name
     * @param mainClass the target
     * @param args      its arguments
     * @return what happened (no report parsed)
     * @throws Exception on I/O failure or timeout
     */
    public static Result run(Jdk jdk, List<String> jvmArgs, Class<?> mainClass, String... args) throws Exception {
        return run(
                jdk, jvmArgs, System.getProperty("jhtrace.targets.classpath", "target/test-classes"), mainClass, args);
    }

    /**
     * Runs a target main class with the given JVM options and class path.
     *
     * @param jdk       which JDK
     * @param jvmArgs   options before the class name
     * @param classpath the target's class path
     * @param mainClass the target
     * @param args      its arguments
     * @return what happened (no report parsed)
     * @throws Exception on I/O failure or timeout
     */
    public static Result run(Jdk jdk, List<String> jvmArgs, String classpath, Class<?> mainClass, String... args)
            throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-target");
        try {
            // the target's temporary files (most targets leak some on purpose) go into this run's directory
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            List<String> cmd = new ArrayList<>();
            cmd.add(jdk.java().toString());
            if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Djava.io.tmpdir="))) {
                cmd.add("-Djava.io.tmpdir=" + tmp);
            }
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(mainClass.getName());
            cmd.addAll(Arrays.asList(args));
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IOException("target did not finish in 180 s: " + cmd + "\nstderr: " + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err), null, null);
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
