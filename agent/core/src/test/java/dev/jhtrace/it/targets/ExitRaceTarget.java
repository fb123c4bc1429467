package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static dev.jhtrace.it.targets.Scenario.line;

/**
 * Leaks a few files, then has several threads call {@code System.exit(3)} at once, while the shutdown report runs:
 * the JVM must exit with 3, promptly, with a whole report.
 */
public final class ExitRaceTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-exit", ".txt"), "x");
        for (int i = 0; i < 3; i++) {
            Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("LEAKLINE " + line());
        }
        file.toFile().deleteOnExit();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 6; t++) {
            Thread exiter = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                System.exit(3);
            }, "exiter-" + t);
            exiter.start();
        }
        System.out.flush();
        go.countDown();
        Thread.sleep(60_000); // never reached: the exiters end the JVM
    }
}
