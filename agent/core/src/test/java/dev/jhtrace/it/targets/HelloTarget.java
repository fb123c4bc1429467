package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jhtrace.it.targets.Scenario.line;

/** Prints a fixed line; with argument {@code leak}, leaks one stream and prints its line. */
public final class HelloTarget {
    public static void main(String[] args) throws Exception {
        System.out.println("hello from the target");
        if (args.length > 0 && args[0].equals("leak")) {
            Path file = Files.writeString(Files.createTempFile("jhtrace-hello", ".txt"), "x");
            for (int i = 0; i < 3; i++) {
                Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("LEAKLINE " + line());
            }
        }
    }
}
