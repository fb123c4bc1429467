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
 *
 * <p>The child gets none of root's terminal: its stdin is {@code /dev/null} and its output comes through pipes that
 * this (root) process copies. Running as the target user, it could be traced by that user, who must not reach root's
 * terminal through it (TIOCSTI). {@code setpriv} is taken from root's own directories only, never from {@code PATH}.
 */
final class AsUser {
    private AsUser() {}

    static int run(int uid, int gid, List<String> args, PrintStream err) {
        Path setpriv = find();
        if (setpriv == null) {
            err.println("jhtrace: the process belongs to uid " + uid
                    + "; run jhtrace as that user (setpriv, from util-linux, is " + "not installed to do it for you)");
            return 1;
        }
        Path jar;
        try {
            jar = AgentLoader.jar();
        } catch (Target.Refused e) {
            err.println("jhtrace: " + e.getMessage());
            return 1;
        }
        List<String> cmd = new ArrayList<>(List.of(
                setpriv.toString(),
                "--reuid=" + uid,
                "--regid=" + gid,
                "--clear-groups",
                "--",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            Thread errors = new Thread(() -> copy(p.getErrorStream(), System.err), "jhtrace-as-user-stderr");
            errors.setDaemon(true);
            errors.start();
            copy(p.getInputStream(), System.out);
            int exit = p.waitFor();
            errors.join(5_000);
            return exit;
        } catch (IOException e) {
            err.println("jhtrace: cannot run as uid " + uid + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Copies a child's output, as bytes; the child's own CLI made it printable already. */
    private static void copy(java.io.InputStream in, PrintStream out) {
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the child ended
        }
        out.flush();
    }

    private static Path find() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Paths.get(dir, "setpriv");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
