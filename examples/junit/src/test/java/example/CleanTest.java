package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jhtrace.junit5.NoHandleLeaks;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** All pass: what they open is closed, by another thread soon after, or accepted by a suppression. */
@NoHandleLeaks
class CleanTest {
    private static final List<InputStream> KEPT = new ArrayList<>();

    @Test
    void loadsTheSettingsAndClosesTheFile() throws Exception {
        Path file = Files.writeString(Files.createTempFile("clean", ".properties"), "name=demo\n");
        assertEquals("demo", Settings.loadAndClose(file.toString()).getProperty("name"));
        Files.delete(file);
    }

    @Test
    void aWorkerClosesItJustAfterTheTest() throws Exception {
        Path file = Files.writeString(Files.createTempFile("worker", ".txt"), "x");
        InputStream in = new FileInputStream(file.toFile());
        Thread worker = new Thread(() -> {
            try {
                Thread.sleep(150); // after the test returned, within the grace period (500 ms)
                in.close();
                Files.delete(file);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        worker.start();
    }

    @Test
    @NoHandleLeaks(suppress = "path:*accepted*")
    void aSuppressedHandleIsAccepted() throws Exception {
        Path file = Files.writeString(Files.createTempFile("accepted", ".txt"), "x");
        KEPT.add(new FileInputStream(file.toFile())); // open past the test, on purpose
        file.toFile().deleteOnExit();
    }

    @AfterAll
    static void closeWhatWasKept() throws Exception {
        for (InputStream in : KEPT) {
            in.close();
        }
    }
}
