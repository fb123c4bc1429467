package dev.jhtrace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A real library's test suite, one JVM per test class as a build that forks per class runs it, without an agent,
 * with jhtrace's {@code -javaagent} and with its native start ({@code -agentpath}), the three alternating round by
 * round; each JVM with the agent writes its report ({@code report=DIR/leaks-%p.json}), as a suite under jhtrace
 * does. Prints, per start, the median over the rounds of the suite's wall time and of its JVMs' CPU time, and the
 * ratios to the run without an agent; and checks that every class ends the same way in every start (an agent that
 * changed a test's outcome would be a bug, not a cost).
 *
 * <pre>
 * mvn -f agent/benchmarks/suite/pom.xml package     # once: the suite's jars into agent/benchmarks/suite/target/lib
 * java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.SuiteBenchmark \
 *     [--suite agent/benchmarks/suite/target/lib] [--jar agent/target/jhtrace.jar] [--classes 40] [--rounds 3] [--java JAVA]
 * </pre>
 *
 * <p>The suite is the {@code *-tests.jar} in the suite directory, run by the JUnit console launcher there
 * ({@code junit-platform-console-standalone-*.jar}) with every jar of the directory on the class path. With
 * {@code --classes N} an even spread of N of its test classes (sorted by name) is run, not all.
 */
public final class SuiteBenchmark {
    private SuiteBenchmark() {}

    private static final String[] STARTS = {"no agent", "-javaagent", "-agentpath"};

    public static void main(String[] args) throws Exception {
        Path suite = Paths.get(option(args, "--suite", "agent/benchmarks/suite/target/lib"))
                .toAbsolutePath(); // the JVMs run in a directory of their own
        Path jar = Paths.get(option(args, "--jar", "agent/target/jhtrace.jar")).toAbsolutePath();
        int classes = Integer.parseInt(option(args, "--classes", "40"));
        int rounds = Integer.parseInt(option(args, "--rounds", "3"));
        String java = option(
                args,
                "--java",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        Path library = jar.resolveSibling("libjhtrace.so");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(library)) {
            throw new IllegalArgumentException("no " + jar + " and " + library + " (build the agent first)");
        }
        Path launcher = only(suite, "junit-platform-console-standalone-");
        Path tests = only(suite, null);
        String classPath;
        try (Stream<Path> s = Files.list(suite)) {
            classPath = String.join(
                    ":",
                    s.filter(p -> p.toString().endsWith(".jar") && !p.equals(launcher))
                            .map(Path::toString)
                            .sorted()
                            .toList());
        }
        List<String> selected = spread(testClasses(tests), classes);
        Path work = Files.createTempDirectory("jhtrace-suite");
        try {
            String[] flags = {null, "-javaagent:" + jar, "-agentpath:" + library};
            // a first JVM of each start, not measured: the file system cache, and the hook check's verdict cached
            for (String flag : flags) {
                runClass(java, flag, work, launcher, classPath, selected.get(0));
            }
            double[][] wall = new double[STARTS.length][rounds];
            double[][] cpu = new double[STARTS.length][rounds];
            int[][] outcomes = new int[STARTS.length][selected.size()];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < STARTS.length; k++) {
                    int s = (r + k) % STARTS.length; // each start first in one round, last in another
                    long t0 = System.nanoTime();
                    double cpuMs = 0;
                    for (int c = 0; c < selected.size(); c++) {
                        double[] run = runClass(java, flags[s], work, launcher, classPath, selected.get(c));
                        cpuMs += run[1];
                        outcomes[s][c] = (int) run[0];
                    }
                    wall[s][r] = (System.nanoTime() - t0) / 1e6;
                    cpu[s][r] = cpuMs;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d test classes of %s, one JVM each, %d rounds alternating, medians%n",
                    java,
                    selected.size(),
                    tests.getFileName(),
                    rounds);
            for (int s = 0; s < STARTS.length; s++) {
                double w = median(wall[s]);
                double u = median(cpu[s]);
                System.out.printf(
                        Locale.ROOT,
                        "  %-11s wall %7.1f s (%.3fx)   CPU %7.1f s (%.3fx)%n",
                        STARTS[s],
                        w / 1000,
                        w / median(wall[0]),
                        u / 1000,
                        u / median(cpu[0]));
            }
            for (int s = 1; s < STARTS.length; s++) {
                for (int c = 0; c < selected.size(); c++) {
                    if (outcomes[s][c] != outcomes[0][c]) {
                        System.out.printf(
                                "  DIFFERENT OUTCOME: %s exits %d with %s, %d without an agent%n",
                                selected.get(c), outcomes[s][c], STARTS[s], outcomes[0][c]);
                    }
                }
            }
            long failing = Arrays.stream(outcomes[0]).filter(o -> o != 0).count();
            System.out.printf("  classes with a failing test (the same in every start): %d%n", failing);
        } finally {
            deleteTree(work);
        }
    }

    /** @return exit status and CPU milliseconds of one test class's JVM */
    private static double[] runClass(String java, String flag, Path work, Path launcher, String cp, String testClass)
            throws Exception {
        Path out = work.resolve("out");
        Path cpuFile = work.resolve("cpu");
        List<String> cmd = new ArrayList<>(List.of(
                "bash", "-c", "TIMEFORMAT='%3U %3S'; { time \"$@\" >\"$JH_OUT\" 2>&1; } 2>\"$JH_CPU\"", "bash", java));
        if (flag != null) {
            cmd.add(flag + "=report=" + work.resolve("reports/leaks-%p.json"));
        }
        cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp")));
        cmd.addAll(List.of(
                "-jar",
                launcher.toString(),
                "execute",
                "--class-path",
                cp,
                "--select-class",
                testClass,
                "--disable-banner",
                "--details=none"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().put("JH_OUT", out.toString());
        pb.environment().put("JH_CPU", cpuFile.toString());
        Process p = pb.start();
        int exit = p.waitFor();
        String output = Files.readString(out);
        if (output.contains("jhtrace: could not") || output.contains("tracing is off")) {
            throw new IllegalStateException("the agent did not start: " + cmd + "\n" + output);
        }
        String[] f = Files.readString(cpuFile).trim().split("\\s+");
        return new double[] {exit, (Double.parseDouble(f[f.length - 2]) + Double.parseDouble(f[f.length - 1])) * 1000};
    }

    private static List<String> testClasses(Path tests) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(tests.toFile())) {
            for (JarEntry e : Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.endsWith("Test.class") && !n.contains("$") && !n.contains("Abstract")) {
                    names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        Collections.sort(names);
        return names;
    }

    /** @return n names spread evenly over the list (all of it when n is larger) */
    private static List<String> spread(List<String> all, int n) {
        if (n >= all.size()) {
            return all;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(all.get((int) ((long) i * all.size() / n)));
        }
        return out;
    }

    /** @return the one jar of dir whose name starts with prefix, or (prefix null) ends with -tests.jar */
    private static Path only(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> {
                        String n = p.getFileName().toString();
                        return prefix != null ? n.startsWith(prefix) && n.endsWith(".jar") : n.endsWith("-tests.jar");
                    })
                    .toList();
            if (found.size() != 1) {
                throw new IllegalArgumentException("expected one " + (prefix != null ? prefix + "*.jar" : "*-tests.jar")
                        + " in " + dir + ", found " + found + " (mvn -f agent/benchmarks/suite/pom.xml package)");
            }
            return found.get(0);
        }
    }

    private static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
