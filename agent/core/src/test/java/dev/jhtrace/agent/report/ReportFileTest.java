package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
