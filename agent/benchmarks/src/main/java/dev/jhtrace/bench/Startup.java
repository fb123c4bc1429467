package dev.jhtrace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * JVM start-up with and without the agent: a hello-world main, run alternately, medians of wall time and of CPU
 * time (user + system, from bash's {@code time}). Four columns: no agent; an empty agent (a
 * {@code premain} that does nothing), what any {@code -javaagent} costs this JVM, the floor under jhtrace's
 * {@code -javaagent} figure; jhtrace's {@code -javaagent}; and jhtrace's native start ({@code -agentpath} with the
 * {@code libjhtrace.so} beside the jar), which has no such floor.
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.Startup [agent jar] [runs] [java]</pre>
 */
public final class Startup {
    private Startup() {}

    /** The program whose start-up is measured. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    /** An agent that does nothing, for the floor: what loading any agent costs. */
    public static final class EmptyAgent {
        public static void premain(String args, java.lang.instrument.Instrumentation inst) {}
    }

    public static void main(String[] args) throws Exception {
        String jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar")
                .toAbsolutePath()
                .toString();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        String java = args.length > 2
                ? args[2]
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Paths.get(Startup.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        Path empty = emptyAgentJar();
        Path library = Paths.get(jar).resolveSibling("libjhtrace.so");
        String[] names = {"no agent", "empty -javaagent", "jhtrace -javaagent", "jhtrace -agentpath"};
        String[] flags = {null, "-javaagent:" + empty, "-javaagent:" + jar, "-agentpath:" + library};
        boolean nativeStart = Files.isRegularFile(library);
        int columns = nativeStart ? 4 : 3;
        double[][] wall = new double[columns][runs];
        double[][] cpu = new double[columns][runs];
        for (int i = 0; i < runs; i++) {
            for (int c = 0; c < columns; c++) {
                double[] t = time(java, cp, flags[c]);
                wall[c][i] = t[0];
                cpu[c][i] = t[1];
            }
        }
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT, "%s start-up (hello world, %d runs each, alternating), wall / CPU:", java, runs));
        double baseWall = median(wall[0]);
        double baseCpu = median(cpu[0]);
        for (int c = 0; c < columns; c++) {
            double w = median(wall[c]);
            double u = median(cpu[c]);
            line.append(String.format(Locale.ROOT, "%n  %-20s %5.0f ms (%.2fx)", names[c], w, w / baseWall));
            line.append(String.format(Locale.ROOT, "  %5.0f ms CPU (%.2fx)", u, u / baseCpu));
        }
        if (!nativeStart) {
            line.append(String.format("%n  (no %s: the native start is not measured)", library));
        }
        System.out.println(line);
        Files.deleteIfExists(empty);
    }

    /** @return a jar whose manifest names {@link EmptyAgent}, found on the class path the programs run with */
    private static Path emptyAgentJar() throws Exception {
        Path jar = Files.createTempFile("jhtrace-empty-agent", ".jar");
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", EmptyAgent.class.getName());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        return jar;
    }

    /** @return wall milliseconds, and CPU milliseconds (user + system, from bash's {@code time}: getrusage's) */
    private static double[] time(String java, String cp, String agent) throws Exception {
        Path cpuFile = Files.createTempFile("jhtrace-startup", ".cpu");
        Path out = Files.createTempFile("jhtrace-startup", ".out");
        // the JVM's own output to one file, bash's timing (millisecond precision) to another
        List<String> cmd = new ArrayList<>(List.of(
                "bash", "-c", "TIMEFORMAT='%3U %3S'; { time \"$@\" >\"$JH_OUT\" 2>&1; } 2>\"$JH_CPU\"", "bash", java));
        if (agent != null) {
            cmd.add(agent);
        }
        cmd.addAll(List.of("-cp", cp, Hello.class.getName()));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("JH_OUT", out.toString());
            pb.environment().put("JH_CPU", cpuFile.toString());
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.waitFor();
            double ms = (System.nanoTime() - t0) / 1e6;
            String output = Files.readString(out);
            if (p.exitValue() != 0 || !output.contains("hello") || output.contains("jhtrace:")) {
                throw new IllegalStateException("the run " + cmd + " went wrong: " + output);
            }
            String[] f = Files.readString(cpuFile).trim().split("\\s+");
            double cpuMs = (Double.parseDouble(f[f.length - 2]) + Double.parseDouble(f[f.length - 1])) * 1000;
            return new double[] {ms, cpuMs};
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(cpuFile);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
