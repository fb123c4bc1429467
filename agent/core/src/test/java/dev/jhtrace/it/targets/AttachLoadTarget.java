package dev.jhtrace.it.targets;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Three threads opening and closing files, some 20 frames deep, compiled by the time an agent is attached: the
 * retransformation of FileInputStream then deoptimizes frames that are on their stacks. Prints {@code PRE 0}, then
 * {@code READY pid}; ends on {@code exit}.
 */
public final class AttachLoadTarget {
    private static volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-attach", ".txt"), "x");
        file.toFile().deleteOnExit();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (running) {
                        deep(file, 20);
                        try (FileInputStream in = new FileInputStream(file.toFile())) {
                            in.read();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(1_000); // compiled by now
        System.out.println("PRE 0"); // RunningTarget's protocol: no descriptors of note
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String l = in.readLine(); l != null && !l.equals("exit"); l = in.readLine()) {
            System.out.println("UNKNOWN " + l);
        }
        running = false;
    }

    private static void deep(Path file, int n) throws Exception {
        if (n == 0) {
            new FileInputStream(file.toFile()).close();
            return;
        }
        deep(file, n - 1);
    }
}
