package dev.jhtrace.agent.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The private JDK fields the capture reads, checked against the JDK running the tests. */
class JdkFieldsTest {

    @Test
    void everyFieldTheCaptureReadsExistsInThisJdk() {
        assertEquals(List.of(), JdkFields.check());
    }

    @Test
    void aMissingFieldOrClassIsNamedWithWhatGoesUnreported() {
        List<String> w = JdkFields.check(new String[] {
            "java.io.FileInputStream#nosuch#FileInputStream opens",
            "sun.nio.ch.NoSuchImpl#fd#frobs",
            "java.io.FileInputStream#fd#fine"
        });
        assertEquals(2, w.size(), w.toString());
        assertTrue(
                w.get(0).contains("java.io.FileInputStream.nosuch is absent")
                        && w.get(0).endsWith("FileInputStream opens are not reported"),
                w.get(0));
        assertTrue(w.get(1).contains("sun.nio.ch.NoSuchImpl.fd (its class is absent)"), w.get(1));
    }
}
