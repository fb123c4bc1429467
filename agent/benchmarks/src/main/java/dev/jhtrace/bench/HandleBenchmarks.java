package dev.jhtrace.bench;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One open+close of each kind, at a given stack depth. Run without and with {@code -javaagent:jhtrace.jar} by
 * {@link Compare}, which prints the ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HandleBenchmarks {
    /** Frames below the open: the stack the hook captures is this deep plus JMH's own. */
    @Param({"10", "100"})
    public int depth;

    private File file;
    private Path path;
    private ServerSocket server;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Files.writeString(Files.createTempFile("jhtrace-bench", ".txt"), "x");
        file = path.toFile();
        server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }

    @Benchmark
    public int fileInputStream() throws IOException {
        return at(depth, 0);
    }

    @Benchmark
    public int fileChannelOpen() throws IOException {
        return at(depth, 1);
    }

    @Benchmark
    public int filesNewInputStream() throws IOException {
        return at(depth, 2);
    }

    @Benchmark
    public int loopbackSocketCycle() throws IOException {
        return at(depth, 3);
    }

    @Benchmark
    public int selectorOpen() throws IOException {
        return at(depth, 4);
    }

    private int at(int frames, int op) throws IOException {
        return frames > 0 ? at(frames - 1, op) + 1 : once(op);
    }

    private int once(int op) throws IOException {
        switch (op) {
            case 0 -> new FileInputStream(file).close();
            case 1 -> FileChannel.open(path).close();
            case 2 -> Files.newInputStream(path).close();
            case 3 -> {
                Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket accepted = server.accept();
                client.close();
                accepted.close();
            }
            default -> Selector.open().close();
        }
        return op;
    }
}
