package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jhtrace.it.targets.Scenario.line;

/**
 * Leaks one stream opened {@code args[0]} frames deep and prints {@code LEAK <line>}; with {@code close} as
 * {@code args[1]}, also opens and closes one there and prints {@code CLOSE <line>}.
 */
public final class DeepTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-deep", ".txt"), "x");
        down(Integer.parseInt(args[0]), file, args.length > 1 && args[1].equals("close"));
    }

    private static void down(int frames, Path file, boolean close) throws Exception {
        if (frames > 0) {
            down(frames - 1, file, close);
            return;
        }
        Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("LEAK " + line());
        if (close) {
            FileInputStream in = new FileInputStream(file.toFile());
            in.close(); System.out.println("CLOSE " + line());
        }
    }
}
