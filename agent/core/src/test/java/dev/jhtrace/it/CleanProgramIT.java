package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.CleanTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A program that closes everything it opens, including calls that make the JDK keep handles of its own. */
class CleanProgramIT {

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void reportsNoOpenHandles(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", CleanTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("clean\n", r.stdout());
        assertNotNull(r.report(), r.stderr());
        assertTrue(
                r.report().path("openHandles").isEmpty(),
                "openHandles of a clean program: " + r.report().path("openHandles"));
        assertEquals(0, r.report().path("stats").path("openHandles").asInt());
        assertTrue(
                r.report().path("reclaimed").isEmpty(),
                "reclaimed: " + r.report().path("reclaimed"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void runtimeHandlesAppearWithTheInternalOption(Jdk jdk) throws Exception {
        // control=false: the control channel's own start-up initialises SecureRandom before the program does
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "internal=true,control=false", CleanTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        boolean urandom = false;
        for (var h : r.report().path("openHandles")) {
            urandom |= h.path("description").asText().equals("/dev/urandom")
                    || h.path("description").asText().equals("/dev/random");
        }
        assertTrue(
                urandom,
                "SecureRandom's pooled /dev/urandom should be listed as a runtime handle: "
                        + r.report().path("openHandles"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void theAgentsOwnHandlesAreHiddenAndCountedNeverUntraced(Jdk jdk) throws Exception {
        // an idle program: every descriptor beyond the JVM's own at start is jhtrace's or made for it
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", dev.jhtrace.it.targets.HelloTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        for (var u : r.report().path("untraced")) {
            String d = u.path("description").asText();
            // a socketpair the JDK made for the agent's own NIO use showed as "UNIX (unnamed)"; the jar is the agent's
            assertTrue(
                    !d.startsWith("UNIX") && !d.startsWith("socket:") && !d.endsWith("jhtrace.jar"),
                    "the agent's own, listed: " + u);
        }
        assertTrue(
                r.report().path("stats").path("hidden").asInt() >= 1,
                "the agent jar is counted as hidden: " + r.report().path("stats"));
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void theAgentJarReachedThroughALinkIsStillTheAgentsOwn(Jdk jdk) throws Exception {
        // the OS's table names the jar's real path; the agent knows the link it was given. The native start's own
        // class loader holds the jar (before 2026-12-03 it was listed as an untraced handle of the program's); with
        // -javaagent it is a class path jar, the JVM's own, hidden either way
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jhtrace-linked-jar");
        try {
            java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(
                    dir.resolve("linked.jar"), TargetJvm.agentJar().toAbsolutePath());
            java.nio.file.Path report = dir.resolve("report.json");
            String flag = TargetJvm.nativeStart()
                    ? "-agentpath:" + TargetJvm.agentLibrary() + "=jar=" + link + ","
                    : "-javaagent:" + link + "=";
            TargetJvm.Result r = TargetJvm.run(
                    jdk, java.util.List.of(flag + "report=" + report), dev.jhtrace.it.targets.HelloTarget.class);
            assertEquals(0, r.exitCode(), r.stderr());
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
            String real = TargetJvm.agentJar().toRealPath().toString();
            for (var u : json.path("untraced")) {
                assertTrue(!u.path("description").asText().equals(real), "the agent's own jar, listed: " + u);
            }
            assertTrue(json.path("stats").path("hidden").asInt() >= 1, "hidden: " + json.path("stats"));
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
