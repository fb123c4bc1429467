package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Leaks 50 files from one line reached by two call paths on two threads (30 through {@code fromWeb}, 20 through
 * {@code fromBatch}) and 5 from another line; prints {@code LEAKLINE n} and {@code OTHERLINE m}.
 */
public final class SitesTarget {
    private static Path file;

    public static void main(String[] args) throws Exception {
        file = Files.writeString(Files.createTempFile("jhtrace-sites", ".txt"), "x");
        Thread web = new Thread(() -> { for (int i = 0; i < 30; i++) fromWeb(); });
        Thread batch = new Thread(() -> { for (int i = 0; i < 20; i++) fromBatch(); });
        web.start();
        batch.start();
        web.join();
        batch.join();
        for (int i = 0; i < 5; i++) {
            Scenario.KEEP.add(new FileInputStream(file.toFile())); if (i == 0) System.out.println("OTHERLINE " + Scenario.line());
        }
        System.out.println("LEAKLINE " + LEAK_LINE);
    }

    private static volatile int LEAK_LINE;

    private static synchronized void keep(Object o) {
        Scenario.KEEP.add(o);
    }

    static void fromWeb() {
        open();
    }

    static void fromBatch() {
        open();
    }

    static void open() {
        try {
            FileInputStream in = new FileInputStream(file.toFile()); LEAK_LINE = Scenario.line();
            keep(in);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
