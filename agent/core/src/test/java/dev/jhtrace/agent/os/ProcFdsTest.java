package dev.jhtrace.agent.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFdsTest {
    @Test
    void decodesProcNetAddresses() {
        assertEquals("127.0.0.1:8080", ProcFds.address("0100007F:1F90"));
        assertEquals("0.0.0.0:0", ProcFds.address("00000000:0000"));
        assertEquals(
                "127.0.0.1:443",
                ProcFds.address("0000000000000000FFFF00000100007F:01BB"),
                "IPv4-mapped IPv6 prints as IPv4");
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
            assertTrue(
                    fds.values().stream().noneMatch(v -> v.endsWith("/fd")),
                    "the listing's own fds are left out: " + fds);
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

    @Test
    void socketTablesAreReadForTheAskedInodesOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path proc)
            throws Exception {
        java.nio.file.Path net = java.nio.file.Files.createDirectories(proc.resolve("net"));
        StringBuilder tcp = new StringBuilder(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < 50_000; i++) { // a busy host's table: read line by line, not kept
            tcp.append("   ")
                    .append(i)
                    .append(": 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ")
                    .append(100_000 + i)
                    .append(" 1 0000000000000000 100 0 0 10 0\n");
        }
        java.nio.file.Files.writeString(net.resolve("tcp"), tcp);
        java.nio.file.Files.writeString(
                net.resolve("unix"),
                "Num       RefCount Protocol Flags    Type St Inode Path\n"
                        + "0000000000000000: 00000002 00000000 00010000 0001 01 777 /tmp/a socket with spaces\n"
                        + "0000000000000000: 00000002 00000000 00000000 0001 03 778\n"
                        + "00000000deadbeef: 00000002 00000000 00010000 0001 01 779 /tmp/two\nlines\n" // the kernel
                        // prints it raw
                        + "0000000000000000: 00000002 00000000 00000000 0001 03 780\n");
        Map<Integer, String> fds = Map.of(
                3,
                "socket:[100007]",
                4,
                "socket:[777]",
                5,
                "socket:[778]",
                6,
                "/etc/hosts",
                7,
                "socket:[5]",
                8,
                "socket:[779]",
                9,
                "socket:[780]");
        ProcFds.Sockets sockets = new ProcFds.Sockets(proc, fds);
        assertEquals("TCP 127.0.0.1:8080 LISTEN", sockets.describe("socket:[100007]"));
        assertEquals("UNIX /tmp/a socket with spaces", sockets.describe("socket:[777]"));
        assertEquals("UNIX (unnamed)", sockets.describe("socket:[778]"));
        assertEquals(
                "UNIX /tmp/two\nlines", sockets.describe("socket:[779]"), "a newline in the path continues the row");
        assertEquals("UNIX (unnamed)", sockets.describe("socket:[780]"));
        assertEquals("socket:[5]", sockets.describe("socket:[5]"), "not in any table: left as the OS names it");
        assertEquals(
                3,
                ProcFds.sockets(proc, java.util.Set.of("100007", "777", "778")).size());
    }
}
