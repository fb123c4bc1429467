package dev.jhtrace.bench;

import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Heap cost per open handle: child JVMs open 0 and N streams from one site at a given stack depth and keep them;
 * the growth of the heap in use after a full GC, with the agent minus without, divided by 10,000 (the smallest of 5 runs each), is what the agent
 * spends per handle (its fixed cost, the preallocated ring and its classes, cancels out).
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.MemoryPerHandle [agent jar] [java]</pre>
 */
public final class MemoryPerHandle {
    /** Handles opened ({@code -Djhtrace.bench.handles=N}; 100,000 needs {@code ulimit -n} above it). */
    private static final int HANDLES = Integer.getInteger("jhtrace.bench.handles", 10_000);
    /** Each figure is the smallest of this many child runs (see {@link #smallest}). */
    private static final int RUNS = 5;

    private static final List<Object> KEEP = new ArrayList<>();

    private MemoryPerHandle() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        String jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar")
                .toAbsolutePath()
                .toString();
        String java = args.length > 1
                ? args[1]
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Paths.get(MemoryPerHandle.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        for (int depth : new int[] {10, 200}) {
            long base = smallest(java, cp, null, depth, HANDLES) - smallest(java, cp, null, depth, 0);
            long with = smallest(java, cp, "-javaagent:" + jar, depth, HANDLES)
                    - smallest(java, cp, "-javaagent:" + jar, depth, 0);
            System.out.printf(
                    Locale.ROOT,
                    "%s depth %d: %d handles grow the heap by %d KB without, %d KB with the agent: "
                            + "%.0f bytes per handle for the agent%n",
                    java,
                    depth,
                    HANDLES,
                    base / 1024,
                    with / 1024,
                    (with - base) / (double) HANDLES);
        }
    }

    /**
     * The smallest of the runs: with the native module, about 2 MB are live after the full GCs in some runs and
     * not in others, whatever the number of handles (seen before and after the changes of 2026-11-29; without the
     * module it never happens). A median then mixes the two modes and swings the per-handle figure by 200 bytes
     * either way; the minimum compares like with like.
     */
    private static long smallest(String java, String cp, String agent, int depth, int handles) throws Exception {
        long[] v = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            v[i] = measure(java, cp, agent, depth, handles);
        }
        Arrays.sort(v);
        return v[0];
    }

    private static long measure(String java, String cp, String agent, int depth, int handles) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC"));
        if (agent != null) {
            cmd.add(agent);
        }
        cmd.addAll(List.of(
                "-cp",
                cp,
                MemoryPerHandle.class.getName(),
                "child",
                Integer.toString(depth),
                Integer.toString(handles)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String l : out.split("\n")) {
            if (l.startsWith("USED ")) {
                return Long.parseLong(l.substring(5).trim());
            }
        }
        throw new IllegalStateException("child said: " + out);
    }

    private static void child(int depth, int handles) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-mem", ".txt"), "x");
        for (int i = 0; i < handles; i++) {
            open(depth, file);
        }
        Thread.sleep(1000); // let the analyzer take every event
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        System.out.println("USED "
                + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    private static void open(int frames, Path file) throws Exception {
        if (frames > 0) {
            open(frames - 1, file);
        } else {
            KEEP.add(new FileInputStream(file.toFile()));
        }
    }
}
