package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directories a report may be written under (another user must not be able to redirect it). */
class ReportFileTest {

    private static UserPrincipal nobody(Path any) throws IOException {
        return any.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    @Test
    void aTimestampIsUtcDigitsAsTheFormatterWouldWriteThem() {
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000_000);
        assertEquals("20260102-030405-006", ReportFile.timestamp(t));
        java.time.LocalDateTime u = java.time.LocalDateTime.of(987, 12, 31, 23, 59, 59, 999_999_999);
        assertEquals(
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                        .format(u),
                ReportFile.timestamp(u));
        assertEquals(Path.of("/r/leaks-42.json"), ReportFile.expand("/r/leaks-%p.json", 42));
        String expanded = ReportFile.expand("/r/%t-%p", 7).toString();
        assertTrue(expanded.matches("/r/\\d{8}-\\d{6}-\\d{3}-7"), expanded);
    }

    @Test
    void aSharedDirectoryAboveTheReportsIsRefusedTheReportsOwnIsNot(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "giving a directory to nobody needs root");
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setOwner(shared, nobody(tmp));
        Files.setAttribute(shared, "unix:mode", 0777); // anyone may replace its entries, and it is not ours
        Path below = Files.createDirectory(shared.resolve("below"));
        IOException e = assertThrows(IOException.class, () -> ReportFile.checkChain(below));
        assertTrue(e.getMessage().contains("writable by other users"), e.getMessage());
        // the report's own directory may be shared: the file goes in under a fresh name and is renamed
        assertDoesNotThrow(() -> ReportFile.checkChain(shared));
        Files.setAttribute(shared, "unix:mode", 01777); // sticky, like /tmp: entries are their owners' to replace
        assertDoesNotThrow(() -> ReportFile.checkChain(below));
    }

    @Test
    void anotherUsersLinkOnTheWayIsRefused(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "giving a link to nobody needs root");
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        Files.getFileAttributeView(
                        link,
                        java.nio.file.attribute.PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS)
                .setOwner(nobody(tmp));
        IOException e = assertThrows(IOException.class, () -> ReportFile.checkChain(link.resolve("sub")));
        assertTrue(e.getMessage().contains("symbolic link of uid"), e.getMessage());
        Path mine = Files.createSymbolicLink(tmp.resolve("mine"), target);
        assertDoesNotThrow(() -> ReportFile.checkChain(mine.resolve("sub")), "a link of this user's own is followed");
    }
}
