package dev.jhtrace.examples;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Leaks files the three usual ways: a stream never closed, a channel from {@code Files} never closed, and a
 * directory listing never closed. Closes everything else properly.
 */
public final class LeakyFiles {
    private static final List<Object> KEEP = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("leaky-files");
        Path config = Files.writeString(dir.resolve("config.properties"), "a=1\n");
        for (int i = 0; i < 3; i++) {
            KEEP.add(openConfig(config)); // leaked three times from the same line
        }
        try (FileInputStream ok = new FileInputStream(config.toFile())) {
            ok.read();
        }
        KEEP.add(Files.newInputStream(config)); // leaked
        KEEP.add(Files.list(dir)); // leaked: Files.list must be closed
        System.out.println("opened and leaked 5 handles in " + dir);
        // removed after the shutdown hooks, so after the agent's report at exit: each run left a directory in /tmp
        dir.toFile().deleteOnExit();
        config.toFile().deleteOnExit();
    }

    private static FileInputStream openConfig(Path config) throws IOException {
        return new FileInputStream(config.toFile());
    }
}
