package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jhtrace.it.targets.EmfileTarget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Too many open files", the case jhtrace exists for: a program under {@code ulimit -n 256} that runs out of
 * descriptors with java.io and with NIO. The report (JSON, text, or the stderr summary without {@code report=}) is
 * written at the limit and names the leaking line; the program's later use of security, sockets and JMX works as it
 * would without the agent (whose control channel started while the program was at the limit); the CLI reaches the
 * program once it has descriptors again.
 */
class EmfileIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() {
        return Jdk.all()
                .flatMap(jdk -> Stream.of("io", "nio")
                        .flatMap(mode -> Stream.of(
                                Arguments.of(jdk, mode, "json"),
                                Arguments.of(jdk, mode, "txt"),
                                Arguments.of(jdk, mode, "none"))));
    }

    @ParameterizedTest(name = "{0}, {1}, report {2}")
    @MethodSource("cases")
    void reportAtTheDescriptorLimit(Jdk jdk, String mode, String format) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-emfile");
        try {
            Path report = dir.resolve("leaks." + format);
            String agent = TargetJvm.agentFlag() + (format.equals("none") ? "" : "=report=" + report);
            String java = jdk.java() + " " + agent + " -cp "
                    + System.getProperty("jhtrace.targets.classpath", "target/test-classes") + " "
                    + EmfileTarget.class.getName() + " " + mode;
            Process p = new ProcessBuilder("sh", "-c", "ulimit -n 256 && exec " + java)
                    .redirectError(dir.resolve("err").toFile())
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String pid = null;
            for (String l = out.readLine(); l != null; l = out.readLine()) {
                lines.add(l);
                if (l.startsWith("READY ")) {
                    pid = l.substring(6);
                    break;
                }
            }
            assertTrue(pid != null, "the target did not get ready: " + lines + Files.readString(dir.resolve("err")));
            int line = Integer.parseInt(lines.get(0).split(" ")[1]);
            for (String use : List.of("digest", "random", "unix", "tcp", "jmx")) {
                assertTrue(
                        lines.contains("USE " + use + " ok"),
                        "after the limit the program's " + use + " must work: " + lines);
            }

            // descriptors are free again: the CLI reaches the agent, whose channel started at the limit
            Cli.Run status = Cli.run(jdk, pid, "-snapshot");
            assertEquals(0, status.exit(), status.err());

            Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            in.write("exit\n");
            in.flush();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the target did not exit");
            String err = Files.readString(dir.resolve("err"));
            String at = EmfileTarget.class.getName() + ".exhaust(EmfileTarget.java:" + line + ")";
            switch (format) {
                case "json" -> {
                    assertTrue(Files.exists(report), "no report at the limit; stderr: " + err);
                    JsonNode r = JSON.readTree(report.toFile());
                    List<JsonNode> leaks = Reports.withFrame(r.path("openHandles"), EmfileTarget.class.getName(), line);
                    assertTrue(leaks.size() > 200, leaks.size() + " leaks at line " + line + " in " + r.path("stats"));
                }
                case "txt" -> {
                    assertTrue(Files.exists(report), "no report at the limit; stderr: " + err);
                    String text = Files.readString(report);
                    assertTrue(text.contains("at " + at), text.substring(0, Math.min(text.length(), 3000)));
                }
                default -> {
                    assertTrue(err.contains("handle(s) still open at exit"), "no summary on stderr: " + err);
                    assertTrue(err.contains("opened at " + at), err);
                }
            }
            assertFalse(err.contains("could not write"), err);
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
