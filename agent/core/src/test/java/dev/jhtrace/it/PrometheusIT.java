package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.PhasedTarget;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fleets: the Prometheus JMX exporter's agent ({@code io.prometheus.jmx:jmx_prometheus_javaagent}, from Maven Central)
 * beside jhtrace, in both orders, exports the MBean's open-handle gauge; a scrape of its HTTP endpoint on loopback
 * finds the program's leaks counted, in total and by kind.
 */
class PrometheusIT {
    private static final Pattern OPEN = metric("dev_jhtrace_Htrace_OpenHandles ");
    private static final Pattern FILES = metric("dev_jhtrace_Htrace_OpenHandlesByKind{key=\"FILE\"} ");
    private static final Pattern SOCKETS = metric("dev_jhtrace_Htrace_OpenHandlesByKind{key=\"SOCKET\"} ");
    private static final Pattern DROPPED = metric("dev_jhtrace_Htrace_DroppedEvents ");

    private static Pattern metric(String nameAndLabels) {
        return Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + "(\\S+)$");
    }

    @TempDir
    Path scratch;

    static Stream<Arguments> cases() {
        return Jdk.ends().flatMap(jdk -> Stream.of(Arguments.of(jdk, true), Arguments.of(jdk, false)));
    }

    @ParameterizedTest(name = "{0}, exporter first: {1}")
    @MethodSource("cases")
    void theExporterScrapesTheOpenHandleGauge(Jdk jdk, boolean exporterFirst) throws Exception {
        Path exporter = Paths.get(System.getProperty("jhtrace.test.prometheus"));
        Path config = Files.writeString(
                scratch.resolve("exporter.yaml"), "includeObjectNames: [\"dev.jhtrace:type=Htrace\"]\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String prometheus = "-javaagent:" + exporter + "=127.0.0.1:" + port + ":" + config;
        String jhtrace = TargetJvm.agentFlag();
        List<String> cmd = new ArrayList<>(List.of(jdk.java().toString()));
        cmd.addAll(exporterFirst ? List.of(prometheus, jhtrace) : List.of(jhtrace, prometheus));
        cmd.addAll(List.of("-cp", System.getProperty("jhtrace.targets.classpath", "target/test-classes")));
        cmd.add(PhasedTarget.class.getName());
        try (RunningTarget t = new RunningTarget(cmd)) {
            String before = scrape(port);
            double open = gauge(before, OPEN);
            assertTrue(open >= 1, "the exporter's own listening socket is a handle too: " + before);
            t.send("leak", "LEAK ", "LEAKED"); // two files and a server socket
            // the target held one file and one server socket before; the exporter opens its configuration file now and
            // then, and its scrape connections come and go: the leaks must show, whatever else is open for a moment
            String after = "";
            for (int i = 0; i < 50 && gauge(after, FILES) < 3; i++) {
                Thread.sleep(100); // the MBean's figures are at most a second old
                after = scrape(port);
            }
            assertTrue(gauge(after, FILES) >= 3, "the target's file and the two it leaked, by kind: " + after);
            assertTrue(
                    gauge(after, SOCKETS) >= 2,
                    "the two server sockets (the exporter's, opened before jhtrace started, are untraced): " + after);
            assertTrue(gauge(after, OPEN) >= open + 2, "the leaks, in the total: " + before + after);
            assertEquals(0, gauge(after, DROPPED), after);
            assertEquals(0, t.exit(), t.stderrText());
        }
    }

    private static double gauge(String metrics, Pattern metric) {
        Matcher m = metric.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0; // a kind with no handle is not exported
    }

    private static String scrape(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Exception last = null;
        for (int i = 0; i < 100; i++) {
            try {
                return http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (java.io.IOException e) {
                last = e; // the exporter's server is not up yet
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("no scrape from the exporter on port " + port, last);
    }
}
