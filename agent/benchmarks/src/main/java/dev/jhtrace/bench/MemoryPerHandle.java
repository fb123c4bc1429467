package dev.jhtrace.bench;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Heap cost per open handle: child JVMs open 0 and N streams from one site at a given stack depth and keep them,
 * then wait while {@code jmap -histo:live} (a full GC, then every live object counted by class) reads their heap.
 * With the agent minus without, 10,000 handles minus none, divided by 10,000, is what the agent spends per handle:
 * its fixed cost (the preallocated ring, its classes) cancels out, and so does the program's own (the streams).
 * The classes of the agent that grew are listed with their bytes per handle.
 *
 * <p>A histogram rather than the heap in use after {@code System.gc()}: the latter swung by megabytes from run to
 * run (live memory the native module's threads hold at times), the histogram counts objects and does not.
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar dev.jhtrace.bench.MemoryPerHandle [agent jar] [java]</pre>
 */
public final class MemoryPerHandle {
    /** Handles opened ({@code -Djhtrace.bench.handles=N}; 100,000 needs {@code ulimit -n} above it). */
    private static final int HANDLES = Integer.getInteger("jhtrace.bench.handles", 10_000);

    private static final List<Object> KEEP = new ArrayList<>();

    private MemoryPerHandle() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        Path jar = Paths.get(args.length > 0 ? args[0] : "agent/target/jhtrace.jar")
                .toAbsolutePath();
        Path java = Paths.get(
                args.length > 1
                        ? args[1]
                        : Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString());
        String cp = Paths.get(MemoryPerHandle.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        String[] starts = {"-javaagent:" + jar, "-agentpath:" + jar.resolveSibling("libjhtrace.so")};
        for (int depth : new int[] {10, 200}) {
            Map<String, Long> none =
                    difference(histogram(java, cp, null, depth, HANDLES), histogram(java, cp, null, depth, 0));
            for (String start : starts) {
                Map<String, Long> with =
                        difference(histogram(java, cp, start, depth, HANDLES), histogram(java, cp, start, depth, 0));
                long heapBytes = total(with) - total(none);
                long[] agentBytes = {0};
                StringBuilder classes = new StringBuilder();
                with.forEach((name, bytes) -> {
                    long own = bytes - none.getOrDefault(name, 0L);
                    if (name.contains("dev.jhtrace.")) {
                        agentBytes[0] += own;
                    }
                    if (Math.abs(own) >= HANDLES) { // a byte per handle or more
                        classes.append(String.format(Locale.ROOT, " %s %+.0f", name, own / (double) HANDLES));
                    }
                });
                // the agent's classes are its cost; the whole heap's difference also holds the JDK's noise (byte
                // arrays of a string table, say, which move by tens of bytes per handle from run to run)
                System.out.printf(
                        Locale.ROOT,
                        "%s %s depth %d: %.0f bytes per open handle in the agent's classes, %.0f in the whole heap"
                                + " (by class:%s)%n",
                        java,
                        start.substring(0, start.indexOf(':')),
                        depth,
                        agentBytes[0] / (double) HANDLES,
                        heapBytes / (double) HANDLES,
                        classes);
            }
        }
    }

    private static long total(Map<String, Long> h) {
        return h.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> difference(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> d = new TreeMap<>(a);
        b.forEach((k, v) -> d.merge(k, -v, Long::sum));
        d.values().removeIf(v -> v == 0);
        return d;
    }

    /** @return bytes of live objects by class in a child holding {@code handles} open */
    private static Map<String, Long> histogram(Path java, String cp, String agent, int depth, int handles)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-XX:+UseSerialGC"));
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
        Process child = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD) // the agent's leak report at exit: 10,000 lines
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            if (ready == null || !ready.equals("READY")) {
                throw new IllegalStateException("child said: " + ready);
            }
            Process jmap = new ProcessBuilder(
                            java.resolveSibling("jmap").toString(), "-histo:live", Long.toString(child.pid()))
                    .redirectErrorStream(true)
                    .start();
            String histogram = new String(jmap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (jmap.waitFor() != 0) {
                throw new IllegalStateException("jmap: " + histogram);
            }
            Map<String, Long> bytes = new TreeMap<>();
            for (String line : histogram.split("\n")) {
                // "   1:         12345        678901  java.lang.String (java.base@17)"
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
                }
            }
            return bytes;
        } finally {
            child.getOutputStream().close(); // the child ends when its stdin does
            child.waitFor();
        }
    }

    private static void child(int depth, int handles) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-mem", ".txt"), "x");
        try {
            for (int i = 0; i < handles; i++) {
                open(depth, file);
            }
            Thread.sleep(1000); // let the analyzer take every event
            System.out.println("READY");
            System.out.flush();
            System.in.read();
        } finally {
            Files.delete(file);
        }
    }

    private static void open(int frames, Path file) throws Exception {
        if (frames > 0) {
            open(frames - 1, file);
        } else {
            KEEP.add(new FileInputStream(file.toFile()));
        }
    }
}
