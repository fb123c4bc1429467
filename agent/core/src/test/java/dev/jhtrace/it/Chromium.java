package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket on loopback, from java.net.http): loads a page,
 * evaluates script in it, clicks with the mouse, takes screenshots, and collects what the page logged as errors.
 */
final class Chromium implements AutoCloseable {
    /** Where Debian's package puts it. */
    static final Path BINARY = Paths.get("/usr/bin/chromium");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    Chromium() throws Exception {
        profile = Files.createTempDirectory("jhtrace-chromium");
        ProcessBuilder chromium = new ProcessBuilder(
                        BINARY.toString(),
                        "--headless=new",
                        "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
                        "--disable-gpu",
                        "--no-first-run",
                        "--window-size=1280,1600",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // its singleton socket's directory (/tmp/org.chromium.Chromium.*) goes with the profile: each run left two
        chromium.environment()
                .put("TMPDIR", Files.createDirectory(profile.resolve("tmp")).toString());
        process = chromium.start();
        String port = null;
        BufferedReader err =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String l = err.readLine(); l != null; l = err.readLine()) {
            seen.add(l);
            int at = l.indexOf("ws://127.0.0.1:");
            if (at >= 0) {
                port = l.substring(at + "ws://127.0.0.1:".length(), l.indexOf('/', at + 5));
                break;
            }
        }
        if (port == null) {
            throw new IllegalStateException("Chromium did not start: " + seen);
        }
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // Chromium's own chatter
                }
            } catch (java.io.IOException ignored) {
                // it exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        String page = null;
        for (JsonNode t : JSON.readTree(list)) {
            if (t.path("type").asText().equals("page")) {
                page = t.path("webSocketDebuggerUrl").asText();
            }
        }
        socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(page), new Listener())
                .get(30, TimeUnit.SECONDS);
        call("Runtime.enable", Map.of());
        call("Log.enable", Map.of());
        call("Page.enable", Map.of());
    }

    /**
     * @param page a file
     * @throws Exception if it does not load within 30 s
     */
    void load(Path page) throws Exception {
        String url = page.toUri().toString();
        call("Page.navigate", Map.of("url", url));
        // a load event of about:blank may come late: wait until the page is this one and has loaded
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!evaluate("document.readyState === 'complete' ? location.href : ''")
                .asText()
                .equals(url)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the page did not load: " + url);
            }
            Thread.sleep(50);
        }
    }

    /**
     * @param expression script
     * @return its value
     */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.path("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Presses and releases the left mouse button at a point of the page, as a user's click does. */
    void click(double x, double y) throws Exception {
        for (String type : List.of("mousePressed", "mouseReleased")) {
            call("Input.dispatchMouseEvent", Map.of("type", type, "x", x, "y", y, "button", "left", "clickCount", 1));
        }
    }

    /** @param png where the screenshot of the whole page goes */
    void screenshot(Path png) throws Exception {
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(png.getParent());
        Files.write(png, java.util.Base64.getDecoder().decode(r.path("data").asText()));
    }

    /** @return errors the page logged, threw or reported since it started */
    List<String> errors() {
        return List.copyOf(errors);
    }

    private JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
        JsonNode r = answer.get(30, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.path("error"));
        }
        return r.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    received(JSON.readTree(text));
                } catch (Exception e) {
                    errors.add("unreadable DevTools message: " + e);
                }
            }
            ws.request(1);
            return null;
        }

        private void received(JsonNode m) {
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.path("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
                return;
            }
            String method = m.path("method").asText();
            JsonNode p = m.path("params");
            switch (method) {
                case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    if (p.path("type").asText().equals("error")) {
                        errors.add("console.error: " + p.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    if (p.path("entry").path("level").asText().equals("error")) {
                        errors.add("log: " + p.path("entry"));
                    }
                }
                default -> {
                    // other events are not asked about
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Reports.deleteTree(profile);
        }
    }
}
