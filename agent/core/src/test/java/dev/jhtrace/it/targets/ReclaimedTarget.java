package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jhtrace.it.targets.Scenario.line;

/**
 * Drops an unclosed stream and lets the GC's cleaner close it: the leak the JDK hides. Prints
 * {@code RECLAIMED fd|openLine} once the cleaner has closed the fd.
 */
public final class ReclaimedTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-reclaimed", ".txt"), "x");
        java.util.TreeSet<Integer> before = Scenario.fds();
        FileInputStream dropped = new FileInputStream(file.toFile()); int openLine = line();
        java.util.TreeSet<Integer> after = Scenario.fds();
        after.removeAll(before);
        int fd = after.first();
        WeakReference<FileInputStream> ref = new WeakReference<>(dropped);
        dropped = null;
        for (int i = 0; i < 200 && (ref.get() != null || Scenario.fds().contains(fd)); i++) {
            System.gc();
            Thread.sleep(20);
        }
        if (Scenario.fds().contains(fd)) {
            throw new IllegalStateException("the cleaner did not close fd " + fd);
        }
        System.out.println("RECLAIMED " + fd + "|" + openLine);
    }
}
