package dev.jhtrace.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AgentLoaderTest {
    @Test
    void anAttachSocketAnotherUserLeftBehindIsExplained() {
        // what the JDK says when /tmp/.java_pid<N> of a killed root JVM meets a JVM of nobody with the number N
        String line = AgentLoader.attachRefused(
                25089,
                "well-known file /tmp/.java_pid25089 is not secure: file should be owned by the current user (which is"
                        + " 65534) but is owned by 0");
        assertTrue(line.startsWith("cannot attach to process 25089: well-known file /tmp/.java_pid25089"), line);
        assertTrue(line.contains("left by a JVM of another user that had the same process number"), line);
    }

    @Test
    void otherReasonsAreTheJdksAlone() {
        assertEquals("cannot attach to process 7: No such process", AgentLoader.attachRefused(7, "No such process"));
    }
}
