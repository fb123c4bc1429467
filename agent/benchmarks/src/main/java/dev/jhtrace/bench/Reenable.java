package dev.jhtrace.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of a running program before {@code jhtrace <pid> -enable}, after it, and after a second
 * {@code -enable}: the second must cost nothing (the agent is loaded and the hooks put in once). Also times
 * each {@code -enable} as a user sees it (the CLI's own JVM included).
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.Reenable [agent jar] [java]</pre>
 */
public final class Reenable {
    private static final int SECONDS_PER_PHASE = 10;

    private Reenable() {}

    /** The program: opens and closes a file in a loop, printing its rate every second. */
    public static final class Target {
        public static void main(String[] args) throws Exception {
            File f = File.createTempFile("jhtrace-reenable", ".txt");
            f.deleteOnExit();
            System.out.println("READY " + ProcessHandle.current().pid());
            long windowEnd = System.nanoTime() + 1_000_000_000L;
            long ops = 0;
            while (true) {
                new FileInputStream(f).close();
                ops++;
                if ((ops & 255) == 0 && System.nanoTime() > windowEnd) {
                    System.out.println("RATE " + ops);
                    ops = 0;
                    windowEnd += 1_000_000_000L;
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar")
                .toAbsolutePath()
                .toString();
        String java = args.length > 1
                ? args[1]
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Paths.get(Reenable.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        Process target = new ProcessBuilder(java, "-XX:+EnableDynamicAgentLoading", "-cp", cp, Target.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream()));
            String pid = out.readLine().substring("READY ".length());
            double before = phase(out);
            long t0 = System.nanoTime();
            run(java, jar, pid, "-enable");
            double firstEnable = (System.nanoTime() - t0) / 1e6;
            double afterFirst = phase(out);
            t0 = System.nanoTime();
            run(java, jar, pid, "-enable");
            double secondEnable = (System.nanoTime() - t0) / 1e6;
            double afterSecond = phase(out);
            System.out.printf(
                    Locale.ROOT,
                    "%s: open+close per second, median of %d s: before -enable %.0f, after -enable %.0f "
                            + "(%.2fx the time), after a second -enable %.0f (%.2fx the first); -enable took %.0f ms, the second %.0f ms%n",
                    java,
                    SECONDS_PER_PHASE,
                    before,
                    afterFirst,
                    before / afterFirst,
                    afterSecond,
                    afterFirst / afterSecond,
                    firstEnable,
                    secondEnable);
        } finally {
            target.destroy();
        }
    }

    private static double phase(BufferedReader out) throws Exception {
        out.readLine(); // the windows the last change (and the CLI's own JVM, busy on a core) fell into
        out.readLine();
        List<Double> rates = new ArrayList<>();
        while (rates.size() < SECONDS_PER_PHASE) {
            String line = out.readLine();
            if (line.startsWith("RATE ")) {
                rates.add(Double.parseDouble(line.substring(5)));
            }
        }
        double[] v = rates.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static void run(String java, String jar, String pid, String command) throws Exception {
        Process p = new ProcessBuilder(java, "-jar", jar, pid, command)
                .redirectErrorStream(true)
                .start();
        String text = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jhtrace " + command + " failed: " + text);
        }
    }
}
