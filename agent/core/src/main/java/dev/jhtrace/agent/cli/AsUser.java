package dev.jhtrace.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Root controlling another user's JVM: the CLI runs itself again as that user (uid and gid, no supplementary
 * groups) with {@code setpriv}. The attach protocol and the agent's channel accept only their own uid (the agent
 * compares peer uids, by design not even root's), so acting as the user is the one way that keeps that rule.
 */
final class AsUser {
    private AsUser() {
    }

    static int run(int uid, int gid, List<String> args, PrintStream err) {
        Path setpriv = find("setpriv");
        if (setpriv == null) {
            err.println("jhtrace: the process belongs to uid " + uid + "; run jhtrace as that user (setpriv, from util-linux, is "
                    + "not installed to do it for you)");
            return 1;
        }
        Path jar;
        try {
            jar = AgentLoader.jar();
        } catch (Target.Refused e) {
            err.println("jhtrace: " + e.getMessage());
            return 1;
        }
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            err.println("jhtrace: cannot run as uid " + uid + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static Path find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Paths.get(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Paths.get(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
