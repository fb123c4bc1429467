package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Leaks files whose names hold a newline, a tab, an escape sequence and a bell, then files with plain names (opened
 * later, so with higher numbers). Prints {@code LEAK line} for each.
 */
public final class HostilePathsTarget {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-hostile");
        String[] names = {"new\nline", "tab\there", "esc\u001b]0;title\u0007", "clear\u001b[2J", "both\n\u001b[31mred"};
        for (String name : names) {
            Path f = Files.writeString(dir.resolve(name), "x");
            f.toFile().deleteOnExit();
            Scenario.KEEP.add(new FileInputStream(f.toFile())); System.out.println("LEAK " + Scenario.line());
        }
        for (int i = 0; i < 10; i++) {
            Path f = Files.writeString(dir.resolve("plain" + i), "x");
            f.toFile().deleteOnExit();
            Scenario.KEEP.add(new FileInputStream(f.toFile())); System.out.println("LEAK " + Scenario.line());
        }
        dir.toFile().deleteOnExit();
    }
}
