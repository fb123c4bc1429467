package dev.jhtrace.agent.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartEnvironmentTest {
    @Test
    void aVariableIsFoundByItsWholeName() {
        byte[] environ = "PATHX=/no\0PATH=/usr/bin\0EMPTY=\0HOME=/root\0".getBytes(StandardCharsets.UTF_8);
        assertEquals("/usr/bin", StartEnvironment.find(environ, "PATH"));
        assertEquals("", StartEnvironment.find(environ, "EMPTY"));
        assertEquals("/root", StartEnvironment.find(environ, "HOME"));
        assertNull(StartEnvironment.find(environ, "PAT"));
        assertNull(StartEnvironment.find(environ, "ROOT"));
        assertNull(StartEnvironment.find(new byte[0], "PATH"));
        assertEquals("b=c", StartEnvironment.find("A=b=c".getBytes(StandardCharsets.UTF_8), "A"), "no final NUL");
    }

    @Test
    void thisProcessSeesWhatTheJdkSees() {
        // the test JVM's environment was not changed since it started: every variable reads the same both ways
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            assertEquals(e.getValue(), StartEnvironment.get(e.getKey()), e.getKey());
        }
        assertNull(StartEnvironment.get("JHTRACE_NO_SUCH_VARIABLE_" + System.nanoTime()));
    }
}
