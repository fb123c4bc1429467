package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.ManySocketsTarget;
import dev.jhtrace.it.targets.NoiseTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reports people act on: what the JDK keeps open for itself is counted, not listed; a class loader the program made
 * and never closed is the program's leak, at its line; and 10,000 sockets from one line are one site whose text
 * report stays small.
 */
class NoiseIT {
    @TempDir
    Path scratch;

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void whatTheJdkKeepsIsCountedNotListed(Jdk jdk) throws Exception {
        // HttpURLConnection's keep-alive cache, java.net.http's pool and selector, the jar-URL cache, SecureRandom
        TargetJvm.Result clean = TargetJvm.runWithReport(jdk, "", NoiseTarget.class);
        assertEquals(0, clean.exitCode(), clean.stderr());
        JsonNode stats = clean.report().path("stats");
        assertEquals(0, clean.report().path("openHandles").size(), clean.reportText());
        assertEquals(0, clean.report().path("sites").size(), clean.reportText());
        assertTrue(stats.path("hidden").asInt() >= 5, "the JDK's own, counted: " + stats);

        // the same with internal=true: they are listed, so they were there to hide
        TargetJvm.Result all = TargetJvm.runWithReport(jdk, "internal=true", NoiseTarget.class);
        JsonNode open = all.report().path("openHandles");
        String listed = open.toString();
        assertTrue(listed.contains("cached.jar"), "the jar-URL cache's jar: " + listed);
        assertTrue(listed.contains("/dev/urandom"), "SecureRandom's pool: " + listed);
        assertTrue(listed.contains("sun.net.www.http.HttpClient"), "the keep-alive cache's socket: " + listed);
        assertTrue(listed.contains("jdk.internal.net.http"), "java.net.http's: " + listed);

        // text: the count and how to see them
        Path text = scratch.resolve("noise.txt");
        TargetJvm.Result t = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=report=" + text), NoiseTarget.class);
        assertEquals(0, t.exitCode(), t.stderr());
        String report = Files.readString(text);
        assertTrue(report.startsWith("Process 0x"), report);
        assertTrue(report.contains("0 handle(s) open"), report);
        assertTrue(
                report.contains(" held by the JVM itself or jhtrace, not shown (internal=true shows the JVM's)"),
                report);
        // and without a report: nothing on stderr, the program leaked nothing
        TargetJvm.Result quiet = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag()), NoiseTarget.class);
        assertEquals(0, quiet.exitCode(), quiet.stderr());
        assertTrue(quiet.stderr().isEmpty(), quiet.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aUrlClassLoaderNeverClosedIsTheProgramsLeak(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", NoiseTarget.class, "loader");
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("LOADERLINE ").get(0).trim());
        JsonNode open = r.report().path("openHandles");
        assertEquals(1, open.size(), "only the loader's jar: " + open);
        assertTrue(open.get(0).path("description").asText().contains("loaded.jar"), open.toString());
        assertTrue(Reports.hasFrame(open.get(0), NoiseTarget.class.getName(), line), open.toString());
        assertEquals(
                NoiseTarget.class.getName() + ".main(NoiseTarget.java:" + line + ")",
                r.report().path("sites").get(0).path("site").asText());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void anHttpResponseNeverReadNorClosedIsTheProgramsLeak(Jdk jdk) throws Exception {
        // the same client code as the clean run's connection, which the keep-alive cache holds idle and is hidden
        TargetJvm.Result r = TargetJvm.runWithReport(jdk, "", NoiseTarget.class, "unread");
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("UNREADLINE ").get(0).trim());
        JsonNode open = r.report().path("openHandles");
        assertEquals(1, open.size(), "only the unread response's connection: " + r.reportText());
        assertEquals("SOCKET", open.get(0).path("kind").asText(), open.toString());
        assertEquals(
                NoiseTarget.class.getName() + ".main(NoiseTarget.java:" + line + ")",
                r.report().path("sites").get(0).path("site").asText());
        assertTrue(r.report().path("stats").path("hidden").asInt() >= 5, "the cached one is still the JDK's");
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void tenThousandSocketsFromOneLineAreOneSmallGroup(Jdk jdk) throws Exception {
        Path text = scratch.resolve("sockets.txt");
        TargetJvm.Result t =
                TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=report=" + text), ManySocketsTarget.class);
        assertEquals(0, t.exitCode(), t.stderr());
        int line = Integer.parseInt(t.lines("LEAKLINE ").get(0).trim());
        String site = ManySocketsTarget.class.getName() + ".open(ManySocketsTarget.java:" + line + ")";
        String report = Files.readString(text);
        assertTrue(report.contains("10000 leak(s) at 1 site(s)"), report.substring(0, Math.min(3000, report.length())));
        assertTrue(report.contains("   10000 open      0 reclaimed  SOCKET  " + site + " (2 stacks)"), report);
        assertTrue(report.contains("Site " + site + ": 10000 open (SOCKET)"), report);
        assertTrue(report.contains("5000 handles still open, opened from this stack:"), report);
        assertTrue(report.contains("  and 4990 more\n"), report);
        assertTrue(report.length() < 32_000, "a small report: " + report.length() + " chars");

        TargetJvm.Result j = TargetJvm.runWithReport(jdk, "", ManySocketsTarget.class);
        JsonNode sites = j.report().path("sites");
        assertEquals(1, sites.size(), sites.toString());
        assertEquals(10_000, sites.get(0).path("count").asInt());
        assertEquals(2, sites.get(0).path("stacks").asInt());
        assertEquals(10_000, j.report().path("openHandles").size(), "JSON lists every handle, for tools");
    }
}
