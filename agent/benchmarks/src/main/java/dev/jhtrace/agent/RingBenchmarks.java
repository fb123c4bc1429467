package dev.jhtrace.agent;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ring and the analyzer on their own, without hooks or stack captures: how many OPEN+CLOSE pairs per second
 * the producers can publish and the analyzer can take, and how many are dropped.
 *
 * <pre>java -cp agent/benchmarks/target/benchmarks.jar org.openjdk.jmh.Main RingBenchmarks -t 2</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RingBenchmarks {
    /** One ring and analyzer shared by all producer threads, as in an agent. */
    @State(Scope.Benchmark)
    public static class Shared {
        EventRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            DropLedger ledger = new DropLedger();
            ring = new EventRing(1 << 16, new Analyzer(AgentOptions.DEFAULT_MAX_TRACES, ledger), ledger);
        }
    }

    /** Per producer: its descriptor numbers, so that threads do not close each other's handles. */
    @State(Scope.Thread)
    public static class Producer {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT =
                new java.util.concurrent.atomic.AtomicInteger();
        int base;
        int i;
        final Throwable stack = new Throwable(); // one shared capture: this measures the ring, not the stack walk

        @Setup(Level.Trial)
        public void setUp() {
            base = 1000 + NEXT.getAndIncrement() * 100;
        }
    }

    /** Published pairs and dropped events, reported next to the throughput. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts {
        /** Events the full ring refused. */
        public long dropped;
        /** Events the analyzer took: its throughput when the producers outpace it. */
        public long accepted;
    }

    @Benchmark
    public void openAndClose(Shared shared, Producer p, Counts counts) {
        int fd = p.base + (p.i++ & 63);
        int lost =
                publish(shared.ring, TraceType.OPEN, fd, p.stack) + publish(shared.ring, TraceType.CLOSE, fd, p.stack);
        counts.dropped += lost;
        counts.accepted += 2 - lost;
    }

    private static int publish(EventRing ring, TraceType type, int fd, Throwable stack) {
        long seq = ring.tryClaim(-1);
        if (seq < 0) {
            return 1;
        }
        HandleEvent e = ring.slot(seq);
        e.command = null;
        e.type = type;
        e.fd = fd;
        e.kind = HandleKind.FILE;
        e.description = "/bench";
        e.thread = "bench";
        e.timeMillis = System.currentTimeMillis();
        e.nanos = System.nanoTime();
        e.stack = stack;
        e.frames = null;
        e.traceId = 0;
        e.descriptorId = 0;
        e.reclaimed = false;
        e.agent = false;
        ring.publish(seq);
        return 0;
    }
}
