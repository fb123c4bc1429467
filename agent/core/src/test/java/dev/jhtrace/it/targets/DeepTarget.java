package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jhtrace.it.targets.Scenario.line;

/** Leaks one stream opened {@code args[0]} frames deep and prints {@code LEAK <line>}. */
public final class DeepTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-deep", ".txt"), "x");
        down(Integer.parseInt(args[0]), file);
    }

    private static void down(int frames, Path file) throws Exception {
        if (frames > 0) {
            down(frames - 1, file);
            return;
        }
        Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("LEAK " + line());
    }
}
