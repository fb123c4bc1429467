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
        FileInputStream dropped = new FileInputStream(file.toFile()); int openLine = line();
        // by the OS's link, not by number: a descriptor the agent or the JDK opened meanwhile, or one that got the
        // number once the cleaner had closed it, once stood in for it (CI saw the latter)
        int fd = Scenario.fdOn(file);
        WeakReference<FileInputStream> ref = new WeakReference<>(dropped);
        dropped = null;
        for (int i = 0; i < 200 && (ref.get() != null || Scenario.fdOn(file) >= 0); i++) {
            System.gc();
            Thread.sleep(20);
        }
        if (fd < 0 || Scenario.fdOn(file) >= 0) {
            throw new IllegalStateException("the cleaner did not close fd " + fd);
        }
        System.out.println("RECLAIMED " + fd + "|" + openLine);
    }
}
