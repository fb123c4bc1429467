package dev.jhtrace.agent.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessInfoTest {
    @Test
    void theCommandLineIsWhatTheJdkWouldSay() {
        // the JDK's own answer for this very JVM (a test JVM forked by Surefire, with arguments)
        String jdk = ProcessHandle.current().info().commandLine().orElseThrow();
        assertEquals(jdk, ProcessInfo.commandLine());
    }

    @Test
    void theFirstArgumentIsReplacedByTheExecutablesPath() {
        byte[] raw = "java\0-Xmx1g\0a b\0Main\0".getBytes(StandardCharsets.UTF_8);
        assertEquals("/usr/bin/java -Xmx1g a b Main", ProcessInfo.commandLine("/usr/bin/java", raw));
        assertEquals("/x/java", ProcessInfo.commandLine("/x/java", "java\0".getBytes(StandardCharsets.UTF_8)));
        assertEquals("/x/java", ProcessInfo.commandLine("/x/java", "java".getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                "/x/java  Main", ProcessInfo.commandLine("/x/java", "java\0\0Main\0".getBytes(StandardCharsets.UTF_8)));
        assertNull(ProcessInfo.commandLine("/x/java", new byte[0]));
    }
}
