package example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What /proc/self/fd says: the ground truth the agent is checked against. */
final class Fds {
    private Fds() {}

    /** Runs the GC until no descriptor of this process refers to {@code file} any more. */
    static void awaitGcClose(Path file) throws Exception {
        for (int i = 0; i < 200 && isOpen(file); i++) {
            System.gc();
            Thread.sleep(20);
        }
        if (isOpen(file)) {
            throw new IllegalStateException("the GC did not close " + file);
        }
    }

    static boolean isOpen(Path file) throws Exception {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
