package dev.jhtrace.agent.hook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformCacheTest {
    @TempDir
    Path tmp;

    private TransformCache load() throws Exception {
        Path jar = tmp.resolve("jhtrace.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "a jar");
        }
        TransformCache c =
                TransformCache.load(HookCheckCache.open(tmp.resolve("cache").toString(), jar.toString()));
        assertNotNull(c);
        return c;
    }

    private static final byte[] ORIGINAL = {1, 2, 3, 4};
    private static final byte[] REWRITTEN = {1, 2, 3, 4, 5};

    @Test
    void aRewriteIsServedOnlyForExactlyTheBytesItWasMadeFrom() throws Exception {
        TransformCache first = load();
        assertNull(first.find("a/B", ORIGINAL));
        first.add("a/B", ORIGINAL, REWRITTEN, new int[] {3, 7});
        Set<String> names = Set.of("a/B", "no/such/ClassAnywhere");
        assertFalse(first.covers(names));
        first.save(new HookTransformer(List.of(), first), names);

        TransformCache next = load();
        TransformCache.Entry e = next.find("a/B", ORIGINAL);
        assertNotNull(e);
        assertArrayEquals(REWRITTEN, e.transformed);
        assertArrayEquals(new int[] {3, 7}, e.matched);
        assertNull(next.find("a/B", new byte[] {1, 2, 3, 5}), "other bytes (another agent's change): a miss");
        assertNull(next.find("a/C", ORIGINAL));
        assertTrue(next.covers(names), "a class absent from the runtime image is known absent");
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(next.file())));
    }

    @Test
    void aFileCutShortOrOfAnotherKeyIsAMiss() throws Exception {
        TransformCache first = load();
        first.add("a/B", ORIGINAL, REWRITTEN, new int[0]);
        first.save(new HookTransformer(List.of(), first), Set.of("a/B"));
        Path file = first.file();
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 3));
        assertNull(load().find("a/B", ORIGINAL), "cut short");
        String text = new String(whole, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(file, text.replace("agent=", "agent=/x").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertNull(load().find("a/B", ORIGINAL), "another key");
        Files.write(file, whole);
        assertNotNull(load().find("a/B", ORIGINAL));
    }

    @Test
    void aLengthThatWouldExhaustTheHeapIsAMissNotAnError() throws Exception {
        TransformCache first = load();
        first.add("a/B", ORIGINAL, REWRITTEN, new int[] {1});
        first.save(new HookTransformer(List.of(), first), Set.of("a/B"));
        byte[] whole = Files.readAllBytes(first.file());
        int header = new String(whole, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\n', 22) + 1;
        byte[] huge = whole.clone();
        huge[header] = 0x7f; // the count of classes, then (further on) lengths: 2^31 - 1
        huge[header + 1] = (byte) 0xff;
        Files.write(first.file(), huge);
        assertNull(load().find("a/B", ORIGINAL));
        Files.write(first.file(), whole);
        assertNotNull(load().find("a/B", ORIGINAL));
    }

    @Test
    void aStartThatFoundEveryClassHereLeavesTheRuntimeImageUnread() throws Exception {
        Set<String> names = Set.of("java/io/FileInputStream");
        TransformCache first = load();
        first.add("java/io/FileInputStream", ORIGINAL, REWRITTEN, new int[0]);
        first.save(new HookTransformer(List.of(), first), names); // no hook point: nothing rewritten from the image
        byte[] written = Files.readAllBytes(first.file());

        TransformCache next = load();
        assertTrue(next.covers(names));
        // with the real hook points, a pass over the image would rewrite FileInputStream as it comes from there and
        // write the file again: a start that learnt nothing does not make it (it would cost every exit 15 ms)
        next.save(new HookTransformer(HookPoints.all(), next), names);
        assertArrayEquals(written, Files.readAllBytes(next.file()));

        next.add("java/io/FileInputStream", new byte[] {9}, REWRITTEN, new int[0]);
        next.save(new HookTransformer(HookPoints.all(), next), names);
        TransformCache learnt = load();
        byte[] image;
        try (java.io.InputStream in = ClassLoader.getSystemResourceAsStream("java/io/FileInputStream.class")) {
            image = in.readAllBytes();
        }
        assertNotNull(learnt.find("java/io/FileInputStream", image), "a start that learnt something reads the image");
    }

    @Test
    void nothingLearntNothingWritten() throws Exception {
        TransformCache c = load();
        c.save(new HookTransformer(List.of(), c), Set.of());
        assertFalse(Files.exists(c.file()));
        assertNull(TransformCache.load(null));
    }
}
