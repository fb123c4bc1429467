package dev.jhtrace.it.targets;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Leaks {@code args[0]} sockets (default 10,000) from one line reached by two call paths, and prints
 * {@code LEAKLINE n}.
 */
public final class ManySocketsTarget {
    private static volatile int leakLine;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                fromAccept();
            } else {
                fromPool();
            }
        }
        System.out.println("LEAKLINE " + leakLine);
    }

    static void fromAccept() throws IOException {
        open();
    }

    static void fromPool() throws IOException {
        open();
    }

    static void open() throws IOException {
        Scenario.KEEP.add(SocketChannel.open()); leakLine = Scenario.line();
    }
}
