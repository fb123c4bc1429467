package dev.jhtrace.it;

import dev.jhtrace.it.targets.PhasedTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link PhasedTarget} JVM running in the background, driven line by line. */
final class RunningTarget implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderr;
    final long pid;
    /** The target's temporary directory, deleted with it; null when the command chose one. */
    private final Path tmp;

    final List<Integer> pre;

    RunningTarget(List<String> command) throws Exception {
        this(command, "PRE ");
    }

    /**
     * @param command   the target's command line
     * @param prePrefix the prefix of its first line, which lists descriptors it opened before READY
     */
    RunningTarget(List<String> command, String prePrefix) throws Exception {
        stderr = Files.createTempFile("jhtrace-target", ".err");
        // a target started directly (not as another user) keeps its temporary files in a directory of this run's
        List<String> cmd = new ArrayList<>(command);
        if (cmd.get(0).endsWith("/java") && cmd.stream().noneMatch(a -> a.startsWith("-Djava.io.tmpdir="))) {
            tmp = Files.createTempDirectory("jhtrace-running");
            cmd.add(1, "-Djava.io.tmpdir=" + tmp);
        } else {
            tmp = null;
        }
        process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        String preLine = expect(prePrefix).get(0);
        pre = new ArrayList<>();
        for (String s : preLine.split(",")) {
            pre.add(Integer.parseInt(s));
        }
        pid = Long.parseLong(expect("READY ").get(0));
    }

    /** Sends a command line, and collects the lines with {@code prefix} until one equal to {@code end} (or one line if null). */
    List<String> send(String command, String prefix, String end) throws Exception {
        stdin.write(command + "\n");
        stdin.flush();
        List<String> out = new ArrayList<>();
        while (true) {
            String l = lines.poll(60, TimeUnit.SECONDS);
            if (l == null) {
                throw new IllegalStateException("target did not answer '" + command + "'; stderr: " + stderrText());
            }
            if (end != null && l.equals(end)) {
                return out;
            }
            if (l.startsWith(prefix)) {
                out.add(l.substring(prefix.length()));
                if (end == null) {
                    return out;
                }
            }
        }
    }

    private List<String> expect(String prefix) throws Exception {
        String l = lines.poll(60, TimeUnit.SECONDS);
        if (l == null || !l.startsWith(prefix)) {
            throw new IllegalStateException("expected " + prefix + ", got " + l + "; stderr: " + stderrText());
        }
        return List.of(l.substring(prefix.length()));
    }

    String stderrText() throws IOException {
        return Files.readString(stderr);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Ends the target with {@code exit} and returns its exit status. */
    int exit() throws Exception {
        stdin.write("exit\n");
        stdin.flush();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            AttachFiles.removeStale(); // killed: its attach socket stays behind
            Files.deleteIfExists(stderr);
            Reports.deleteTree(tmp);
        } catch (IOException | InterruptedException e) {
            // best effort: the file is in the temporary directory
        }
    }
}
