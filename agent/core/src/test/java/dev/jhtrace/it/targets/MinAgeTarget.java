package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Leaks a file, waits 1.5 s, leaks another just before it exits (a request in flight); prints OLDLINE and NEWLINE. */
public final class MinAgeTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-minage", ".txt"), "x");
        Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("OLDLINE " + Scenario.line());
        Thread.sleep(1_500);
        Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("NEWLINE " + Scenario.line());
    }
}
