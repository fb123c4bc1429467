package dev.jhtrace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link HandleBenchmarks} without and with the agent, alternating the two in each round so that both see
 * the same machine noise (this is a 2-core machine), and prints the medians and the ratio agent / no agent.
 *
 * <pre>
 * java -jar agent/benchmarks/target/benchmarks.jar [--agent agent/target/jhtrace.jar] [--java /path/to/java]
 *      [--rounds 3] [--threads 1,2] [--depths 10,100] [--only fileInputStream,...] [--gc] [--agent-options k=v,...] [--jvm-args "-XX:StartFlightRecording ..."]
 * </pre>
 */
public final class Compare {
    private Compare() {}

    /** {@code --jvm-args "a b"}: JVM options of both runs, without and with the agent. */
    private static String[] jvmArgs = new String[0];

    public static void main(String[] args) throws Exception {
        String agent = "agent/target/jhtrace.jar";
        String agentOptions = "";
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        int rounds = 3;
        List<String> threads = List.of("1", "2");
        List<String> depths = List.of("10", "100");
        List<String> benchmarks = List.of(
                "fileInputStream", "fileChannelOpen", "filesNewInputStream", "loopbackSocketCycle", "selectorOpen");
        boolean gc = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agent" -> agent = args[++i];
                case "--agent-options" -> agentOptions = "=" + args[++i];
                case "--java" -> java = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Arrays.asList(args[++i].split(","));
                case "--depths" -> depths = Arrays.asList(args[++i].split(","));
                case "--only" -> benchmarks = Arrays.asList(args[++i].split(","));
                case "--gc" -> gc = true;
                case "--jvm-args" -> jvmArgs = args[++i].trim().split("\\s+");
                default -> {
                    System.err.println("unknown argument " + args[i] + " (see the class javadoc)");
                    System.exit(2);
                }
            }
        }
        Path jar = Paths.get(agent).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            System.err.println("no agent jar at " + jar + "; build it first: mvn -B -q package -DskipTests");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "%s, %d round(s), median of rounds%n", java, rounds);
        System.out.printf(
                Locale.ROOT,
                "%-22s %5s %7s %12s %12s %7s%s%n",
                "benchmark",
                "depth",
                "threads",
                "no agent",
                "agent",
                "ratio",
                gc ? "   alloc B/op (no agent / agent)" : "");
        for (String b : benchmarks) {
            for (String d : depths) {
                for (String t : threads) {
                    List<double[]> base = new ArrayList<>();
                    List<double[]> with = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        base.add(run(java, b, d, t, null, gc));
                        with.add(run(java, b, d, t, "-javaagent:" + jar + agentOptions, gc));
                    }
                    double b0 = median(base, 0);
                    double a0 = median(with, 0);
                    System.out.printf(
                            Locale.ROOT,
                            "%-22s %5s %7s %9.0f ns %9.0f ns %6.2fx%s%n",
                            b,
                            d,
                            t,
                            b0,
                            a0,
                            a0 / b0,
                            gc ? String.format(Locale.ROOT, "   %.0f / %.0f", median(base, 1), median(with, 1)) : "");
                }
            }
        }
    }

    private static double[] run(
            String java, String benchmark, String depth, String threads, String agentArg, boolean gc) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(HandleBenchmarks.class.getName() + "." + benchmark + "$")
                .param("depth", depth)
                .threads(Integer.parseInt(threads))
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .jvm(java)
                .verbosity(VerboseMode.SILENT);
        if (jvmArgs.length > 0) {
            o = o.jvmArgsAppend(jvmArgs); // both runs: a JFR recording, a GC
        }
        if (agentArg != null) {
            o = o.jvmArgsAppend(agentArg);
        }
        if (gc) {
            o = o.addProfiler(GCProfiler.class);
        }
        RunResult result = new Runner(o.build()).runSingle();
        double alloc = Double.NaN;
        for (var e : result.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                Result<?> r = e.getValue();
                alloc = r.getScore();
            }
        }
        return new double[] {result.getPrimaryResult().getScore(), alloc};
    }

    private static double median(List<double[]> runs, int index) {
        double[] v = runs.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
