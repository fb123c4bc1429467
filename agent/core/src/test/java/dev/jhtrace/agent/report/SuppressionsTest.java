package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppressionsTest {
    private static final List<StackTraceElement> STACK = List.of(
            new StackTraceElement("java.io.FileInputStream", "open", "FileInputStream.java", 217),
            new StackTraceElement("com.example.Pool", "open", "Pool.java", 12),
            new StackTraceElement(NativeFrame.CLASS_NAME, "libfoo.so!open_file+0x1a", null, -1));

    @Test
    void framesPathsOrEither() {
        Suppressions s = Suppressions.parse(
                "s",
                List.of(
                        "# accepted",
                        "",
                        "   # indented comment",
                        "frame:com.example.Pool.open",
                        "path:/var/cache/*.idx",
                        "libbar.so!*"));
        assertEquals(3, s.size());
        assertTrue(s.suppresses("/x", STACK), "class.method");
        assertTrue(s.suppresses("/var/cache/a.idx", List.of()), "a path");
        assertFalse(s.suppresses("/var/cache/a.log", List.of()));
        assertTrue(s.suppresses("/var/cache/a.idx", null), "a null stack");
        assertFalse(s.suppresses("com.example.Pool.open", List.of()), "frame: never matches a description");
        assertTrue(
                Suppressions.parse("s", List.of("frame:com.example.Pool.open(Pool.java:12)"))
                        .suppresses(null, STACK),
                "the full frame");
        assertFalse(Suppressions.parse("s", List.of("frame:com.example.Pool.open(Pool.java:13)"))
                .suppresses(null, STACK));
        assertTrue(Suppressions.parse("s", List.of("libfoo.so!open_*")).suppresses(null, STACK), "a native frame");
        assertTrue(
                Suppressions.parse("s", List.of("com.example.P??l.*")).suppresses(null, STACK), "? is one character");
        assertFalse(Suppressions.parse("s", List.of("com.example.Pool")).suppresses(null, STACK), "whole frames only");
        assertTrue(
                Suppressions.parse("s", List.of("path:/a[1]+(x).txt")).suppresses("/a[1]+(x).txt", List.of()),
                "everything but * and ? is literal");
    }

    @Test
    void aPatternThatMatchesEverythingIsRefusedWithItsLine() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Suppressions.parse("f.txt", List.of("# c", "frame:**")));
        assertEquals("f.txt:2: 'frame:**' would match every handle", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Suppressions.parse("f", List.of("path:")));
        for (String everything : List.of("*.*", "?*", "frame:*.*", "path:*", "*?")) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Suppressions.parse("f", List.of(everything)),
                    everything + " matches every handle");
        }
        Suppressions.parse("f", List.of("com.*", "path:/var/*", "*.Pool.open")); // real patterns stay
    }

    @Test
    void readsAFileButNotAFifo(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("s.txt"), "com.example.*\n");
        assertTrue(Suppressions.read(f).suppresses(null, STACK));
        assertEquals(f.toString(), Suppressions.read(f).source());
        assertThrows(NoSuchFileException.class, () -> Suppressions.read(dir.resolve("none")));
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertThrows(java.io.IOException.class, () -> Suppressions.read(fifo));
    }
}
