package dev.jhtrace.agent.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class StartEnvironmentTest {
    @Test
    void aNativeSourceIsDecodedAsTheJdkDecodesTheEnvironmentAndOtherwiseTheJdkAnswers() {
        try {
            StartEnvironment.use(
                    name -> name.equals("A") ? "/caf\u00e9".getBytes(StartEnvironment.nativeEncoding()) : null);
            assertEquals("/caf\u00e9", StartEnvironment.get("A"));
            assertNull(StartEnvironment.get("B"));
        } finally {
            StartEnvironment.use(null);
        }
        assertEquals(System.getenv("PATH"), StartEnvironment.get("PATH"));
    }
}
