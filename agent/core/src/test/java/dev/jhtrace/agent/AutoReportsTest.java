package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class AutoReportsTest {
    @Test
    void automaticReportsGoBesideTheShutdownReport() {
        assertEquals(
                Paths.get("/r/leaks-12.threshold.json"),
                LeakReportFile.beside(Paths.get("/r/leaks-12.json"), "threshold"));
        assertEquals(Paths.get("/r/leaks.emfile"), LeakReportFile.beside(Paths.get("/r/leaks"), "emfile"));
        assertEquals(Paths.get("/r/.hidden.emfile"), LeakReportFile.beside(Paths.get("/r/.hidden"), "emfile"));
        assertEquals(Paths.get("/r.d/x.emfile.txt"), LeakReportFile.beside(Paths.get("/r.d/x.txt"), "emfile"));
    }
}
