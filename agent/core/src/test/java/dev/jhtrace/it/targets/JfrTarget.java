package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For a JFR recording: leaks 20 files from one line, opens and closes 5, uses one after closing it, and drops one for
 * the GC's cleaner to close; stays up 2.5 s so that the periodic event is recorded. Prints {@code LEAKLINE n},
 * {@code DROPLINE n}.
 */
public final class JfrTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-jfr", ".txt"), "x");
        for (int i = 0; i < 20; i++) {
            Scenario.KEEP.add(new FileInputStream(file.toFile())); if (i == 0) System.out.println("LEAKLINE " + Scenario.line());
        }
        for (int i = 0; i < 5; i++) {
            try (InputStream in = new FileInputStream(file.toFile())) {
                in.read();
            }
        }
        FileInputStream closed = new FileInputStream(file.toFile());
        closed.close();
        try {
            closed.read();
        } catch (java.io.IOException expected) {
            // the bad reference
        }
        FileInputStream dropped = new FileInputStream(file.toFile()); System.out.println("DROPLINE " + Scenario.line());
        WeakReference<FileInputStream> ref = new WeakReference<>(dropped);
        dropped = null;
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        Thread.sleep(2_500);
        Files.delete(file);
    }
}
