package dev.jhtrace.bench;

import java.io.File;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The latency of each open+close an application thread makes, without the agent, with it, and with it on a ring of 64
 * slots (always full under this load, {@code -Djhtrace.ring=64}): an application thread must never wait for the
 * agent, so a full ring may cost dropped events, not latency. Child JVMs run alternately, each with one thread, then
 * two, opening and closing a file for 5 s and timing every operation; the figures are medians over rounds of each
 * percentile, and the events the agent dropped (from its JSON report). With two application threads on a 2-core
 * machine the analyzer thread competes with them for the cores: the tail then shows the scheduler, which the
 * 1-thread rows separate from what the hooks themselves cost.
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.RingLatency [agent jar] [rounds] [java]</pre>
 */
public final class RingLatency {
    private static final Pattern LINE = Pattern.compile("LAT (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+)");
    private static final Pattern DROPPED = Pattern.compile("\"dropped\":(\\d+)");
    private static final String[] COLUMNS = {"p50", "p99", "p99.9", "p99.99", "max"};

    private RingLatency() {}

    /** {@code args[1]} threads open and close a file for {@code args[0]} seconds, timing each; prints {@code LAT p50 p99 p999 p9999 max ops}. */
    public static final class Target {
        public static void main(String[] args) throws Exception {
            long seconds = Long.parseLong(args[0]);
            int count = args.length > 1 ? Integer.parseInt(args[1]) : 2;
            File f = File.createTempFile("jhtrace-latency", ".txt");
            try {
                long[][] samples = new long[count][];
                int[] counts = new int[count];
                Thread[] threads = new Thread[count];
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                for (int t = 0; t < threads.length; t++) {
                    int id = t;
                    threads[t] = new Thread(() -> {
                        long[] mine = new long[1 << 22];
                        int n = 0;
                        try {
                            while (n < mine.length) {
                                long t0 = System.nanoTime();
                                new FileInputStream(f).close();
                                long t1 = System.nanoTime();
                                mine[n++] = t1 - t0;
                                if ((n & 1023) == 0 && t1 > end) {
                                    break;
                                }
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                        samples[id] = mine;
                        counts[id] = n;
                    });
                    threads[t].start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                int warm = 0;
                long[] all = new long[Arrays.stream(counts).sum()];
                for (int t = 0; t < count; t++) {
                    int skip = counts[t] / 5; // the first fifth: JIT warm-up, of both runs alike
                    System.arraycopy(samples[t], skip, all, warm, counts[t] - skip);
                    warm += counts[t] - skip;
                }
                long[] v = Arrays.copyOf(all, warm);
                Arrays.sort(v);
                System.out.printf(
                        Locale.ROOT,
                        "LAT %d %d %d %d %d %d%n",
                        at(v, 0.5),
                        at(v, 0.99),
                        at(v, 0.999),
                        at(v, 0.9999),
                        v[v.length - 1],
                        v.length);
            } finally {
                f.delete();
            }
        }

        private static long at(long[] sorted, double q) {
            return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
        }
    }

    public static void main(String[] args) throws Exception {
        String jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar")
                .toAbsolutePath()
                .toString();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String java = args.length > 2
                ? args[2]
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Paths.get(RingLatency.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        for (String threads : List.of("1", "2")) {
            compare(java, jar, cp, rounds, threads);
        }
    }

    private static void compare(String java, String jar, String cp, int rounds, String threads) throws Exception {
        String[] names = {"no agent", "agent", "agent, 64-slot ring"};
        List<List<long[]>> runs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Long>> drops = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 3; k++) {
                Path report = Files.createTempFile("jhtrace-latency", ".json");
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g"));
                if (k == 2) {
                    cmd.add("-Djhtrace.ring=64");
                }
                if (k > 0) {
                    cmd.add("-javaagent:" + jar + "=report=" + report);
                }
                cmd.addAll(List.of("-cp", cp, Target.class.getName(), "5", threads));
                Process p = new ProcessBuilder(cmd)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor();
                Matcher m = LINE.matcher(out);
                if (!m.find()) {
                    throw new IllegalStateException(names[k] + ": no result: " + out);
                }
                long[] v = new long[6];
                for (int i = 0; i < 6; i++) {
                    v[i] = Long.parseLong(m.group(i + 1));
                }
                runs.get(k).add(v);
                String json = Files.readString(report);
                Matcher d = DROPPED.matcher(json);
                drops.get(k).add(k == 0 ? 0 : d.find() ? Long.parseLong(d.group(1)) : -1);
                Files.deleteIfExists(report);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s, %d rounds, %s thread(s), open+close of a FileInputStream, ns (median of rounds)%n",
                java,
                rounds,
                threads);
        System.out.printf(
                Locale.ROOT,
                "%-22s %12s %12s %12s %12s %12s %10s %10s%n",
                "",
                COLUMNS[0],
                COLUMNS[1],
                COLUMNS[2],
                COLUMNS[3],
                COLUMNS[4],
                "ops",
                "dropped");
        long[] base = median(runs.get(0));
        for (int k = 0; k < 3; k++) {
            long[] v = median(runs.get(k));
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s", names[k]));
            for (int i = 0; i < 5; i++) {
                sb.append(String.format(
                        Locale.ROOT,
                        " %12s",
                        v[i] + (k == 0 ? "" : String.format(Locale.ROOT, " %.1fx", (double) v[i] / base[i]))));
            }
            List<Long> d = new ArrayList<>(drops.get(k));
            d.sort(null);
            sb.append(String.format(Locale.ROOT, " %10d %10d", v[5], d.get(d.size() / 2)));
            System.out.println(sb);
        }
    }

    private static long[] median(List<long[]> runs) {
        long[] m = new long[6];
        for (int i = 0; i < 6; i++) {
            long[] col = new long[runs.size()];
            for (int r = 0; r < runs.size(); r++) {
                col[r] = runs.get(r)[i];
            }
            Arrays.sort(col);
            m[i] = col[col.length / 2];
        }
        return m;
    }
}
