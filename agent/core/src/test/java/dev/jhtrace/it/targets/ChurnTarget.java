package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Several threads open and close handles hundreds of thousands of times, so descriptor numbers are reused
 * constantly, while a known set stays open. Prints the fds deliberately kept open and the OS's table at the end.
 */
public final class ChurnTarget {
    public static void main(String[] args) throws Exception {
        int perThread = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path file = Files.writeString(Files.createTempFile("jhtrace-churn", ".txt"), "x");
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Object> kept = new ArrayList<>();
        TreeSet<Integer> before = Scenario.fds();
        for (int i = 0; i < 20; i++) {
            kept.add(new FileInputStream(file.toFile()));
        }
        TreeSet<Integer> keptFds = Scenario.fds();
        keptFds.removeAll(before);
        try (ServerSocket server = new ServerSocket(0, 1000, lo)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            switch ((i + id) % 4) {
                                case 0 -> new FileInputStream(file.toFile()).close();
                                case 1 -> FileChannel.open(file).close();
                                case 2 -> new FileOutputStream(file.toFile(), true).close();
                                default -> {
                                    if (i % 64 == 3) {
                                        new Socket(lo, server.getLocalPort()).close();
                                    } else {
                                        Files.newInputStream(file).close();
                                    }
                                }
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "churn-" + t);
                workers.add(w);
                w.start();
            }
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        server.accept().close();
                    }
                } catch (Exception e) {
                    // server closed
                }
            }, "acceptor");
            acceptor.start();
            for (Thread w : workers) {
                w.join();
            }
        }
        System.out.println("KEPT " + keptFds);
        System.out.println("OPS " + (long) perThread * threads);
    }
}
