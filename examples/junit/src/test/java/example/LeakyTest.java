package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jhtrace.junit5.NoHandleLeaks;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both tests fail: one leaves a file open, the other leaves it for the GC to close. */
@NoHandleLeaks
class LeakyTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheSettings() throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), "name=demo\n");
        assertEquals("demo", Settings.load(file.toString()).getProperty("name"));
    }

    @Test
    void readsTheFirstByte() throws Exception {
        Path file = Files.writeString(dir.resolve("data.bin"), "x");
        assertEquals('x', new FileInputStream(file.toFile()).read()); // never closed
        Fds.awaitGcClose(file); // the GC closes it (FileInputStream's cleaner): the code never did
    }
}
