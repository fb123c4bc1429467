package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the analyzer: several threads open and close files, channels and sockets as fast as they can, so that
 * descriptor numbers are reused all the time, and now and then leak a file of their own (a unique path, kept
 * reachable so that the GC never closes it). Meanwhile the test drives the CLI against this JVM.
 *
 * <p>Prints {@code READY pid} when the threads run, then at the end {@code LEAK fd|path} for every leaked file
 * still open (read from {@code /proc/self/fd}), {@code LEAKLINE n} (the line that leaked) and {@code OPS n} (how
 * many opens and closes the threads made).
 *
 * <p>Arguments: threads, seconds, leaks per thread, leak every n-th iteration.
 */
public final class LoadTarget {
    private static final List<Object> KEEP = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int leaksPerThread = Integer.parseInt(args[2]);
        int leakEvery = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory("jhtrace-load");
        Path shared = Files.writeString(dir.resolve("shared.txt"), "x");
        Path[][] leakPaths = new Path[threads][leaksPerThread];
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < leaksPerThread; i++) {
                leakPaths[t][i] = Files.writeString(dir.resolve("leak-" + t + "-" + i), "x");
            }
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        AtomicLong ops = new AtomicLong();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        try (ServerSocket server = new ServerSocket(0, 1000, lo)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        server.accept().close();
                    }
                } catch (IOException e) {
                    // server closed
                }
            }, "acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Path[] mine = leakPaths[t];
                Thread w = new Thread(() -> work(mine, shared, lo, server.getLocalPort(), leakEvery, deadline, ops), "load-" + t);
                workers.add(w);
                w.start();
            }
            System.out.println("READY " + ProcessHandle.current().pid());
            // thread dumps while the load runs: no worker may ever wait or block inside agent code
            List<String> blocked = new ArrayList<>();
            int dumps = 0;
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] ids = workers.stream().mapToLong(Thread::getId).toArray();
            while (workers.stream().anyMatch(Thread::isAlive)) {
                // one snapshot per thread, state and stack taken together (Thread.getState then getStackTrace is not)
                for (java.lang.management.ThreadInfo info : mx.getThreadInfo(ids, Integer.MAX_VALUE)) {
                    if (info == null) {
                        continue;
                    }
                    Thread.State state = info.getThreadState();
                    if (state == Thread.State.BLOCKED || state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                        for (StackTraceElement f : info.getStackTrace()) {
                            String c = f.getClassName(); // the agent's packages, not this test's own dev.jhtrace.it
                            if (c.startsWith("dev.jhtrace.agent.") || c.startsWith("dev.jhtrace.bootstrap.")
                                    || c.startsWith("dev.jhtrace.shaded.")) {
                                blocked.add(info.getThreadName() + " " + state + " at " + f);
                                break;
                            }
                        }
                    }
                }
                dumps++;
                Thread.sleep(50);
            }
            for (Thread w : workers) {
                w.join();
            }
            System.out.println("DUMPS " + dumps);
            System.out.println("BLOCKEDINAGENT " + blocked.size() + (blocked.isEmpty() ? "" : " " + blocked.get(0)));
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir.toString() + "/leak-")) {
                        System.out.println("LEAK " + fd.getFileName() + "|" + target);
                    }
                } catch (IOException gone) {
                    // the directory stream's own descriptor, or one closed meanwhile
                }
            }
        }
        System.out.println("LEAKLINE " + leakLine);
        System.out.println("OPS " + ops.get());
        System.out.flush();
    }

    /** The line that leaks, as the JVM numbers it (set on that very line). */
    private static volatile int leakLine = -1;

    private static void work(Path[] leaks, Path shared, InetAddress lo, int port, int leakEvery, long deadline, AtomicLong ops) {
        int leaked = 0;
        long n = 0;
        try {
            for (long i = 0; System.nanoTime() < deadline; i++) {
                if (i % leakEvery == leakEvery - 1 && leaked < leaks.length) {
                    FileInputStream leak = new FileInputStream(leaks[leaked++].toFile()); leakLine = Scenario.line(); // the only leak
                    synchronized (KEEP) {
                        KEEP.add(leak);
                    }
                    n++;
                    continue;
                }
                switch ((int) (i % 3)) {
                    case 0 -> {
                        try (FileInputStream in = new FileInputStream(shared.toFile())) {
                            in.available();
                        }
                    }
                    case 1 -> {
                        try (FileChannel c = FileChannel.open(shared)) {
                            c.size();
                        }
                    }
                    default -> {
                        if (i % 30 == 2) {
                            try (Socket s = new Socket(lo, port)) {
                                s.getLocalPort();
                            }
                        } else {
                            try (FileInputStream in = new FileInputStream(shared.toFile())) {
                                in.available();
                            }
                        }
                    }
                }
                n += 2;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            ops.addAndGet(n);
        }
    }
}
