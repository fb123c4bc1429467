package dev.jhtrace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

/**
 * JVM start-up with and without the agent: a hello-world main, run alternately, medians of wall time.
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.Startup [agent jar] [runs] [java]</pre>
 */
public final class Startup {
    private Startup() {
    }

    /** The program whose start-up is measured. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    public static void main(String[] args) throws Exception {
        String jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar").toAbsolutePath().toString();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        String java = args.length > 2 ? args[2] : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Paths.get(Startup.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        double[] base = new double[runs];
        double[] with = new double[runs];
        for (int i = 0; i < runs; i++) {
            base[i] = time(java, cp, null);
            with[i] = time(java, cp, "-javaagent:" + jar);
        }
        double b = median(base);
        double a = median(with);
        System.out.printf(Locale.ROOT, "%s start-up (hello world, %d runs each, alternating): no agent %.0f ms, agent %.0f ms, %.2fx%n",
                java, runs, b, a, a / b);
    }

    private static double time(String java, String cp, String agent) throws Exception {
        ProcessBuilder pb = agent == null ? new ProcessBuilder(java, "-cp", cp, Hello.class.getName())
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
