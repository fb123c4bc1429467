package dev.jhtrace.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The attach sockets ({@code /tmp/.java_pid<N>}) of JVMs the suite killed: a JVM removes its own when it exits, a
 * killed one leaves it. A later JVM of another user that gets the same process number then cannot be attached to
 * (the JDK refuses a socket file another user owns, and cannot replace it in the sticky {@code /tmp}): the suite
 * has thousands of JVMs, so process numbers come round, and a test as an ordinary user failed that way.
 */
public final class AttachFiles {
    private AttachFiles() {}

    /** Removes every {@code /tmp/.java_pid<N>} whose process N is gone. */
    public static void removeStale() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Paths.get("/tmp"), ".java_pid*")) {
            for (Path f : files) {
                String n = f.getFileName().toString().substring(".java_pid".length());
                if (n.matches("[0-9]+") && ProcessHandle.of(Long.parseLong(n)).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // another user's file in a directory of theirs, or one gone meanwhile: not this suite's to remove
        }
    }
}
