package dev.jhtrace.bench;

import java.io.File;
import java.io.FileInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the cores go when application threads open and close as fast as they can: child JVMs run N threads of
 * open+close for a few seconds, without an agent, with {@code -javaagent} and with {@code -agentpath}, alternating,
 * and each reads its threads' CPU time from {@code /proc/self/task} at the end. Printed per operation: the
 * throughput's ratio to the run without an agent, and the CPU nanoseconds of the application threads, of
 * jhtrace's threads (the analyzer, the native drain), of the GC and of the JIT. On a machine with as many cores as
 * application threads, whatever jhtrace's threads take is taken from the application.
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.CoreShare [agent jar] [rounds] [java]
 *     [-Dbench.threads=2] [-Dbench.seconds=5] [-Dbench.op=fis|channel|files] [-Dbench.jvmArgs="-XX:..."]
 *     [-Dbench.compare=OTHER/jhtrace.jar] [-Dbench.starts="no agent,-agentpath"]</pre>
 */
public final class CoreShare {
    private static final String[] GROUPS = {"app", "jhtrace", "gc", "jit", "other"};

    private CoreShare() {}

    /** args: seconds threads op; prints {@code OPS n} and {@code CPU group ns} lines. */
    public static final class Target {
        public static void main(String[] args) throws Exception {
            long seconds = Long.parseLong(args[0]);
            int count = Integer.parseInt(args[1]);
            String op = args[2];
            File f = File.createTempFile("jhtrace-coreshare", ".txt");
            try {
                Path p = f.toPath();
                LongAdder ops = new LongAdder();
                LongAdder appCpu = new LongAdder(); // read by each thread of its own: gone from /proc once ended
                long warmEnd = System.nanoTime() + 1_000_000_000L;
                long end = warmEnd + seconds * 1_000_000_000L;
                Thread[] threads = new Thread[count];
                for (int t = 0; t < count; t++) {
                    threads[t] = new Thread(
                            () -> {
                                try {
                                    long n = 0;
                                    long cpuAtWarmEnd = -1;
                                    java.lang.management.ThreadMXBean mx =
                                            java.lang.management.ManagementFactory.getThreadMXBean();
                                    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                                        if (now > warmEnd && cpuAtWarmEnd < 0) {
                                            cpuAtWarmEnd = mx.getCurrentThreadCpuTime();
                                        }
                                        for (int i = 0; i < 256; i++) {
                                            switch (op) {
                                                case "channel" ->
                                                    FileChannel.open(p, StandardOpenOption.READ)
                                                            .close();
                                                case "files" ->
                                                    Files.newInputStream(p).close();
                                                default -> new FileInputStream(f).close();
                                            }
                                        }
                                        if (now > warmEnd) {
                                            n += 256;
                                        }
                                    }
                                    ops.add(n);
                                    appCpu.add(mx.getCurrentThreadCpuTime() - cpuAtWarmEnd);
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            },
                            "app-" + t);
                }
                long[] before = new long[GROUPS.length];
                for (Thread t : threads) {
                    t.start();
                }
                Thread.sleep(1000); // the warm-up second: counted neither in ops nor in CPU
                cpu(before);
                for (Thread t : threads) {
                    t.join();
                }
                long[] after = new long[GROUPS.length];
                cpu(after);
                System.out.println("OPS " + ops.sum());
                after[0] = before[0] + appCpu.sum();
                for (int g = 0; g < GROUPS.length; g++) {
                    System.out.println("CPU " + GROUPS[g] + " " + (after[g] - before[g]));
                }
            } finally {
                f.delete();
            }
        }

        /** Adds each live thread's CPU time (ns, at the kernel's tick) to its group. */
        private static void cpu(long[] byGroup) throws Exception {
            long tick = 10_000_000L; // USER_HZ is 100 on Linux
            try (var tasks = Files.list(Paths.get("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String comm = Files.readString(task.resolve("comm")).trim();
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                        byGroup[group(comm)] += ticks * tick;
                    } catch (java.io.IOException gone) {
                        // a thread that ended meanwhile
                    }
                }
            }
        }

        private static int group(String comm) {
            if (comm.startsWith("app-")) {
                return 0;
            }
            if (comm.startsWith("jhtrace")) {
                return 1;
            }
            if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.startsWith("VM Periodic")) {
                return 2;
            }
            if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) {
                return 3;
            }
            return 4;
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar")
                .toAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String java = args.length > 2
                ? args[2]
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String threads = System.getProperty("bench.threads", "2");
        String seconds = System.getProperty("bench.seconds", "5");
        String op = System.getProperty("bench.op", "fis");
        String cp = Paths.get(CoreShare.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        Map<String, String> starts = new LinkedHashMap<>();
        starts.put("no agent", null);
        starts.put("-javaagent", "-javaagent:" + jar);
        starts.put("-agentpath", "-agentpath:" + jar.resolveSibling("libjhtrace.so"));
        String other = System.getProperty("bench.compare"); // another build's jar, run in the same rounds
        if (other != null) {
            Path o = Paths.get(other).toAbsolutePath();
            starts.put("other -javaagent", "-javaagent:" + o);
            starts.put("other -agentpath", "-agentpath:" + o.resolveSibling("libjhtrace.so"));
        }
        String only = System.getProperty("bench.starts"); // e.g. "no agent,-agentpath"
        if (only != null) {
            starts.keySet().retainAll(List.of(only.split(",")));
        }
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        starts.keySet().forEach(k -> runs.put(k, new ArrayList<>()));
        List<String> order = new ArrayList<>(starts.keySet());
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < order.size(); i++) {
                String start = order.get((i + r) % order.size()); // each start first in one round
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g"));
                String extra = System.getProperty("bench.jvmArgs", "");
                if (!extra.isBlank()) {
                    cmd.addAll(List.of(extra.trim().split("\\s+")));
                }
                if (starts.get(start) != null) {
                    cmd.add(starts.get(start));
                }
                cmd.addAll(List.of("-cp", cp, Target.class.getName(), seconds, threads, op));
                Process p = new ProcessBuilder(cmd)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor();
                double[] v = new double[1 + GROUPS.length];
                for (String line : out.split("\n")) {
                    String[] w = line.split(" ");
                    if (w[0].equals("OPS")) {
                        v[0] = Double.parseDouble(w[1]);
                    } else if (w[0].equals("CPU")) {
                        v[1 + Arrays.asList(GROUPS).indexOf(w[1])] = Double.parseDouble(w[2]);
                    }
                }
                if (v[0] == 0) {
                    throw new IllegalStateException(start + ": no result: " + out);
                }
                runs.get(start).add(v);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s, %s thread(s) of %s open+close, %s s, %d rounds, medians; CPU ns per open+close by thread%n",
                java,
                threads,
                op,
                seconds,
                rounds);
        System.out.printf(Locale.ROOT, "%-18s %12s %8s", "", "ops/s", "ratio");
        for (String g : GROUPS) {
            System.out.printf(Locale.ROOT, " %8s", g);
        }
        System.out.println();
        double baseOps = median(runs.get("no agent"), 0);
        for (String start : order) {
            double ops = median(runs.get(start), 0);
            System.out.printf(
                    Locale.ROOT, "%-12s %12.0f %7.2fx", start, ops / Double.parseDouble(seconds), baseOps / ops);
            for (int g = 0; g < GROUPS.length; g++) {
                int col = 1 + g;
                double[] perOp = runs.get(start).stream()
                        .mapToDouble(v -> v[col] / v[0])
                        .sorted()
                        .toArray();
                System.out.printf(Locale.ROOT, " %8.0f", perOp[perOp.length / 2]);
            }
            System.out.println();
        }
    }

    private static double median(List<double[]> runs, int col) {
        double[] v = runs.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v[v.length / 2];
    }
}
