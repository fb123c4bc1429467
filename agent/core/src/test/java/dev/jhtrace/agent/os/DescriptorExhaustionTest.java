package dev.jhtrace.agent.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test: the class's state is the process's, and the order (held, then learned) is the point. */
class DescriptorExhaustionTest {
    @Test
    void englishAlwaysTheLocalesOnceLearnedAndWhatCameBeforeRecognisedThen() {
        List<Throwable> told = new ArrayList<>();
        DescriptorExhaustion.whenRecognisedLater(told::add);
        try {
            assertTrue(DescriptorExhaustion.means(new FileNotFoundException("/tmp/x (Too many open files)")));
            assertTrue(DescriptorExhaustion.means(
                    new FileSystemException("/tmp/x", null, "Too many open files in system")));
            assertFalse(DescriptorExhaustion.means(new FileNotFoundException("/tmp/x (No such file or directory)")));
            assertFalse(DescriptorExhaustion.means(null));
            assertFalse(DescriptorExhaustion.means(new FileNotFoundException()));

            // before the native library told this locale's words: not recognised, held
            FileNotFoundException german = new FileNotFoundException("/tmp/x (Zu viele offene Dateien)");
            FileNotFoundException missing = new FileNotFoundException("/tmp/y (Datei oder Verzeichnis nicht gefunden)");
            assertFalse(DescriptorExhaustion.meansOrHold(missing));
            assertFalse(DescriptorExhaustion.meansOrHold(german));
            assertTrue(told.isEmpty());

            DescriptorExhaustion.learn(new byte[][] {
                "Zu viele offene Dateien".getBytes(StandardCharsets.UTF_8),
                "Zu viele offene Dateien im System".getBytes(StandardCharsets.UTF_8),
                "kurz".getBytes(StandardCharsets.UTF_8), // too short to tell anything apart: ignored
                null
            });
            assertEquals(List.of(german), told, "the held failure, now recognised, and only it");
            assertTrue(DescriptorExhaustion.means(new FileSystemException("/tmp/x", null, "Zu viele offene Dateien")));
            assertTrue(DescriptorExhaustion.means(new FileNotFoundException("/tmp/x (Too many open files)")));
            assertFalse(DescriptorExhaustion.means(new FileNotFoundException("/tmp/kurz")));
            assertFalse(DescriptorExhaustion.meansOrHold(missing));
            DescriptorExhaustion.learn(new byte[0][]);
            assertEquals(1, told.size(), "nothing is held once the words are known");
        } finally {
            DescriptorExhaustion.whenRecognisedLater(null);
        }
    }
}
