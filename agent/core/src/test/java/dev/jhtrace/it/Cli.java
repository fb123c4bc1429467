package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI, {@code java -jar jhtrace.jar ...}, as a user would. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one CLI run printed. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private Cli() {}

    static Run run(Jdk jdk, Object... args) throws Exception {
        return runAs(List.of(), jdk, TargetJvm.agentJar(), args);
    }

    /**
     * @param prefix a command that runs the CLI as another user ({@code setpriv ...}), or none
     * @param jar    the jhtrace.jar to run (one that user can read)
     */
    static Run runAs(List<String> prefix, Jdk jdk, Path jar, Object... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(jdk.java().toString(), "-jar", jar.toString()));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        Path dir = Files.createTempDirectory("jhtrace-cli");
        try {
            return exec(cmd, dir);
        } finally {
            Reports.deleteTree(dir);
        }
    }

    private static Run exec(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("CLI did not finish: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }
}
