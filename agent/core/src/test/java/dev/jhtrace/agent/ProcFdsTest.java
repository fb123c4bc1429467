package dev.jhtrace.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcFdsTest {
    @Test
    void decodesProcNetAddresses() {
        assertEquals("127.0.0.1:8080", ProcFds.address("0100007F:1F90"));
        assertEquals("0.0.0.0:0", ProcFds.address("00000000:0000"));
        assertEquals("127.0.0.1:443", ProcFds.address("0000000000000000FFFF00000100007F:01BB"), "IPv4-mapped IPv6 prints as IPv4");
        assertEquals("[::1]:22", ProcFds.address("00000000000000000000000001000000:0016"));
        assertEquals("[::]:8080", ProcFds.address("00000000000000000000000000000000:1F90"));
        assertEquals("[fe80::1]:1", ProcFds.address("000080FE000000000000000001000000:0001"));
    }

    @Test
    void listsAnOpenFileWithItsPath(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("x.txt"), "x");
        try (FileInputStream in = new FileInputStream(f.toFile())) {
            Map<Integer, String> fds = ProcFds.list(ProcFds.self());
            assertTrue(fds.containsValue(f.toString()), fds.toString());
            assertTrue(fds.values().stream().noneMatch(v -> v.endsWith("/fd")), "the listing's own fds are left out: " + fds);
        }
    }

    @Test
    void parsesTheNativeListing() {
        // a path may hold any byte but NUL: a newline in one must not end the listing there
        Map<Integer, String> fds = ProcFds.parse("0\t/dev/pts/0\00012\tsocket:[4711]\0003\t/tmp/a b\tc\n5\t\0");
        assertEquals(Map.of(0, "/dev/pts/0", 12, "socket:[4711]", 3, "/tmp/a b\tc\n5\t"), fds);
        assertEquals(List.of(0, 3, 12), List.copyOf(fds.keySet()), "in descriptor order");
        assertTrue(ProcFds.parse("").isEmpty());
    }
}
