package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens four streams, drops them unclosed, asks for a GC and returns at once: the GC's cleaner closes them while the
 * shutdown report is being made. Prints {@code LEAK line} for each.
 */
public final class DroppedAtExitTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-dropped", ".txt"), "x");
        file.toFile().deleteOnExit();
        for (int i = 0; i < 4; i++) {
            open(file);
        }
        System.gc();
    }

    private static void open(Path file) throws Exception {
        FileInputStream dropped = new FileInputStream(file.toFile()); System.out.println("LEAK " + Scenario.line());
        dropped.getFD(); // used, then dropped unclosed
    }
}
