package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.JfrReader;
import dev.jhtrace.it.targets.JfrTarget;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jfr=true}: a {@code -XX:StartFlightRecording} recording holds the handles' events with their stacks (opens at
 * the leaking line, closes, the bad reference, the reclaimed leak with its open site) and the periodic open-handle
 * count, read back with {@code jdk.jfr.consumer} on the JDK that wrote it; without {@code jfr=true}, none.
 */
class JfrIT {
    @TempDir
    Path scratch;

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void aRecordingHoldsTheHandlesEvents(Jdk jdk) throws Exception {
        Path jfr = scratch.resolve("rec.jfr");
        TargetJvm.Result r = TargetJvm.run(
                jdk,
                List.of("-XX:StartFlightRecording=filename=" + jfr, TargetJvm.agentFlag() + "=jfr=true"),
                JfrTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("LEAKLINE ").get(0).trim());
        int dropLine = Integer.parseInt(r.lines("DROPLINE ").get(0).trim());
        List<String> events =
                TargetJvm.run(jdk, List.of(), JfrReader.class, jfr.toString()).lines("EVENT ");
        String target = JfrTarget.class.getName();
        long leaked = events.stream()
                .filter(e -> e.startsWith("dev.jhtrace.HandleOpened ") && e.contains(" FILE |"))
                .filter(e -> e.contains(" " + target + ".main:" + line + " "))
                .filter(e -> !e.contains("jdk.internal.loader.")) // the class loader reading a class, on that line too
                .count();
        assertEquals(20, leaked, "the 20 opens at the leaking line, with their stacks: " + events);
        assertTrue(
                events.stream()
                                .filter(e -> e.startsWith("dev.jhtrace.HandleClosed "))
                                .count()
                        >= 6,
                "the closes: " + events);
        assertTrue(
                events.stream().anyMatch(e -> e.startsWith("dev.jhtrace.HandleBadReference ") && e.contains(target)),
                "the read after close: " + events);
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.startsWith("dev.jhtrace.HandleReclaimed ")
                                && e.contains("site=" + target + ".main(JfrTarget.java:" + dropLine + ")")
                                && e.contains("openedBy=main")),
                "the reclaimed leak, at its open site: " + events);
        assertTrue(
                events.stream()
                        .filter(e -> e.startsWith("dev.jhtrace.OpenHandles "))
                        .anyMatch(e ->
                                e.contains("files=") && Integer.parseInt(e.replaceAll(".*files=(\\d+).*", "$1")) >= 20),
                "the periodic count, with the 20 leaks: " + events);

        Path off = scratch.resolve("off.jfr");
        TargetJvm.Result without = TargetJvm.run(
                jdk, List.of("-XX:StartFlightRecording=filename=" + off, TargetJvm.agentFlag()), JfrTarget.class);
        assertEquals(0, without.exitCode(), without.stderr());
        assertEquals(
                List.of(),
                TargetJvm.run(jdk, List.of(), JfrReader.class, off.toString()).lines("EVENT "),
                "off by default");
    }
}
