package dev.jhtrace.it.targets;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A program that closes everything it should, while the JDK keeps handles open for itself: the HTTP keep-alive cache
 * (HttpURLConnection), java.net.http's connection pool and selector, the jar-URL cache and SecureRandom's pool. With
 * argument {@code loader} it also makes a URLClassLoader, loads a resource through it and never closes it: its jar
 * stays open, the program's leak, at the line printed as {@code LOADERLINE n}. With {@code unread} it first gets an
 * HttpURLConnection's response stream and neither reads nor closes it: its connection is the program's leak, at the
 * line printed as {@code UNREADLINE n}. Prints {@code READY pid} at the end.
 */
public final class NoiseTarget {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-noise");
        Path jar = jar(dir.resolve("cached.jar"));
        // a jar of its own: the JDK shares one descriptor among all JarFiles of one file
        Path loaded = jar(dir.resolve("loaded.jar"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";

        if (args.length > 0 && args[0].equals("unread")) {
            // a response neither read to the end nor closed: its connection never goes back to the cache
            HttpURLConnection u = (HttpURLConnection) new URL(base + "u").openConnection();
            Scenario.KEEP.add(u.getInputStream()); System.out.println("UNREADLINE " + Scenario.line());
        }
        HttpURLConnection c = (HttpURLConnection) new URL(base + "a").openConnection();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes(); // read to the end and closed: the connection goes to the keep-alive cache
        }
        HttpClient client = HttpClient.newHttpClient();
        client.send(HttpRequest.newBuilder(URI.create(base + "b")).build(), HttpResponse.BodyHandlers.ofString());
        try (InputStream in = new URL("jar:" + jar.toUri() + "!/r.txt").openStream()) {
            in.readAllBytes(); // closed; the jar stays in the jar-URL cache
        }
        new SecureRandom().nextBytes(new byte[16]);

        if (args.length > 0 && args[0].equals("loader")) {
            URLClassLoader loader = new URLClassLoader(new URL[] {loaded.toUri().toURL()}, null);
            Scenario.KEEP.add(loader.getResource("r.txt")); System.out.println("LOADERLINE " + Scenario.line());
            Scenario.KEEP.add(loader);
        }
        Scenario.KEEP.add(client); // in use until the end, as a program's client is
        server.stop(0);
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        System.out.println("READY " + ProcessHandle.current().pid());
    }

    private static Path jar(Path path) throws java.io.IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(path))) {
            out.putNextEntry(new JarEntry("r.txt"));
            out.write("resource".getBytes(StandardCharsets.UTF_8));
        }
        return path;
    }
}
