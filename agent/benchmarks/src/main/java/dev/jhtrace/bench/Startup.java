package dev.jhtrace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

/**
 * JVM start-up with and without the agent: a hello-world main, run alternately, medians of wall time. A third
 * column runs an empty agent (a {@code premain} that does nothing): what any {@code -javaagent} costs this JVM,
 * the floor under jhtrace's figure.
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
        double[] base = new double[runs];
        double[] floor = new double[runs];
        double[] with = new double[runs];
        for (int i = 0; i < runs; i++) {
            base[i] = time(java, cp, null);
            floor[i] = time(java, cp, "-javaagent:" + empty);
            with[i] = time(java, cp, "-javaagent:" + jar);
        }
        double b = median(base);
        double f = median(floor);
        double a = median(with);
        System.out.printf(
                Locale.ROOT,
                "%s start-up (hello world, %d runs each, alternating): no agent %.0f ms, "
                        + "empty agent %.0f ms (%.2fx), jhtrace %.0f ms (%.2fx)%n",
                java,
                runs,
                b,
                f,
                f / b,
                a,
                a / b);
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

    private static double time(String java, String cp, String agent) throws Exception {
        ProcessBuilder pb = agent == null
                ? new ProcessBuilder(java, "-cp", cp, Hello.class.getName())
                : new ProcessBuilder(java, agent, "-cp", cp, Hello.class.getName());
        Path out = Files.createTempFile("jhtrace-startup", ".out");
        long t0 = System.nanoTime();
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.waitFor();
        double ms = (System.nanoTime() - t0) / 1e6;
        Files.deleteIfExists(out);
        return ms;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
