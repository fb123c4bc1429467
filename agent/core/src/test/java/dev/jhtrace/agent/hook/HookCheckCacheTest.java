package dev.jhtrace.agent.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookCheckCacheTest {
    @TempDir
    Path tmp;

    private Path jar() throws Exception {
        Path jar = tmp.resolve("jhtrace.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "a jar");
        }
        return jar;
    }

    private HookCheckCache cache(Path dir) throws Exception {
        HookCheckCache c = HookCheckCache.open(dir.toString(), jar().toString());
        assertNotNull(c);
        return c;
    }

    @Test
    void aVerdictWrittenIsReadBackAndTheDirectoryIsOwnerOnly() throws Exception {
        Path dir = tmp.resolve("cache/jhtrace");
        HookCheckCache c = cache(dir);
        assertNull(c.read(), "nothing there yet");
        c.write(List.of("hooks that matched nothing in this JDK: x", "JDK field a.B.c is absent"));
        assertEquals(
                List.of("hooks that matched nothing in this JDK: x", "JDK field a.B.c is absent"),
                cache(dir).read());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.file())));
        c.write(List.of());
        assertEquals(List.of(), cache(dir).read(), "nothing wrong is a verdict too");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aRebuiltAgentIsAMissAndReplacesTheVerdictBeforeIt() throws Exception {
        Path dir = tmp.resolve("c");
        HookCheckCache before = cache(dir);
        before.write(List.of("old"));
        Files.setLastModifiedTime(
                jar(), FileTime.fromMillis(Files.getLastModifiedTime(jar()).toMillis() - 60_000));
        HookCheckCache after = cache(dir);
        assertEquals(before.file(), after.file(), "one file per jar path and JDK");
        assertNull(after.read(), "another size or time: another key");
        after.write(List.of("new"));
        assertEquals(List.of("new"), cache(dir).read());
    }

    @Test
    void theVerdictsOfJarsThatAreGoneAreRemoved() throws Exception {
        Path dir = tmp.resolve("c");
        Path copy = Files.writeString(tmp.resolve("copy.jar"), "a copy");
        HookCheckCache ofCopy = HookCheckCache.open(dir.toString(), copy.toString());
        ofCopy.write(List.of());
        assertEquals(copy.toString(), HookCheckCache.storedJar(ofCopy.file()));
        Path strange = dir.resolve("hookcheck-not-ours-format");
        Files.writeString(strange, "something else\n");
        cache(dir).write(List.of());
        assertTrue(Files.exists(ofCopy.file()), "its jar is still there");
        Files.delete(copy);
        cache(dir).write(List.of());
        assertFalse(Files.exists(ofCopy.file()), "its jar is gone");
        assertTrue(Files.exists(strange), "a file it cannot read as a verdict is left alone");
        assertTrue(Files.exists(cache(dir).file()));
    }

    @Test
    void aFileThatIsNotAVerdictOfThisKeyIsAMiss() throws Exception {
        Path dir = tmp.resolve("c");
        HookCheckCache c = cache(dir);
        c.write(List.of("w"));
        Path file = c.file();
        String text = Files.readString(file);
        // another key under the same name (a collision), cut short, another format
        Files.writeString(file, text.replace("agent=", "agent=/other"));
        assertNull(cache(dir).read());
        Files.writeString(file, text.substring(0, text.length() - 1));
        assertNull(cache(dir).read());
        Files.writeString(file, text.replace("jhtrace hook check 1", "jhtrace hook check 0"));
        assertNull(cache(dir).read());
        Files.writeString(file, text);
        assertEquals(List.of("w"), cache(dir).read());
    }

    @Test
    void aLinkOrADirectoryOthersMayWriteIsNeverRead() throws Exception {
        Path dir = tmp.resolve("c");
        HookCheckCache c = cache(dir);
        c.write(List.of("w"));
        Path file = c.file();
        Path elsewhere = Files.move(file, tmp.resolve("elsewhere"));
        Files.createSymbolicLink(file, elsewhere);
        assertNull(cache(dir).read(), "a link in place of the file");
        c.write(List.of("v"));
        assertTrue(Files.readString(elsewhere).endsWith("\nw\n"), "never written through the link");
        assertNull(cache(dir).read(), "not used while a link is there");
        Files.delete(file);
        c.write(List.of("v"));
        assertEquals(List.of("v"), cache(dir).read());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(cache(dir).read(), "a directory others may write");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(cache(dir).read(), "a file others may write");
    }

    @Test
    void aDirectoryAboveThatOthersMayWriteMakesEveryReadAMiss() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Path dir = open.resolve("cache");
        HookCheckCache c = cache(dir);
        c.write(List.of("w"));
        assertEquals(List.of("w"), cache(dir).read());
        // another user could swap cache/ for a directory of theirs between the check of the file and its open
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            assertNull(cache(dir).read());
        } finally {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void theDefaultPlaceFollowsXdgThenHome() {
        Path dir = HookCheckCache.defaultDirectory();
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            assertEquals(Path.of(xdg, "jhtrace"), dir);
        } else {
            assertEquals(Path.of(System.getProperty("user.home"), ".cache", "jhtrace"), dir);
        }
        assertNull(HookCheckCache.open(null, "/x.jar"), "cache=false");
        assertNull(HookCheckCache.open("", null), "not from a jar");
    }
}
