package dev.jhtrace.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A target JVM's files and pid as this CLI must name them: the same as ours on one host, through
 * {@code /proc/PID/root} and its namespace's pid when it runs in a container (its own mount and pid namespaces).
 *
 * <p>Why: the agent names its control socket after its own pid ({@code /tmp/.jhtrace-U/1.sock} for a container's
 * pid 1) in its own {@code /tmp}, and the JVM loads an agent jar by a path in its own file system; the CLI on the
 * host sees neither under those names. The attach protocol itself crosses namespaces (the JDK's attach API does
 * that); these two do not.
 *
 * @param root  where the target's {@code /} is, from here ({@code /} when it shares our mount namespace)
 * @param nsPid the target's pid in its own pid namespace (its pid when it shares ours)
 * @param own   whether it shares our mount namespace
 */
record TargetRoot(Path root, long nsPid, boolean own) {
    /**
     * @param pid the target, as this CLI sees it
     * @return where its files are and its own pid
     */
    static TargetRoot of(long pid) {
        Path proc = Paths.get("/proc", Long.toString(pid));
        boolean sameMounts;
        try {
            sameMounts = Files.readSymbolicLink(Paths.get("/proc/self/ns/mnt"))
                    .equals(Files.readSymbolicLink(proc.resolve("ns/mnt")));
        } catch (IOException | RuntimeException e) {
            sameMounts = true; // cannot tell (no permission to look): as on one host, which was the only way before
        }
        return new TargetRoot(sameMounts ? Paths.get("/") : proc.resolve("root"), nsPid(pid), sameMounts);
    }

    /** @return the last pid of {@code NSpid:} in the process's status (its pid in the innermost namespace) */
    static long nsPid(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an older kernel without NSpid, or the process is gone: its pid as we know it
        }
        return pid;
    }

    /**
     * @param inside an absolute path as the target sees it
     * @return the same file as this CLI sees it
     */
    Path resolve(Path inside) {
        return own ? inside : root.resolve(inside.toString().substring(1));
    }

    /**
     * {@link #resolve}, refusing a symbolic link on the way: under {@code /proc/PID/root} an absolute link resolves
     * against the host's root, so a container whose {@code /tmp} is a link would have this CLI (maybe root) act on
     * the host's files.
     *
     * @param inside an absolute path as the target sees it
     * @return the same file as this CLI sees it
     * @throws IOException naming the link
     */
    Path resolveNoLinks(Path inside) throws IOException {
        Path p = resolve(inside);
        if (own) {
            return p;
        }
        Path at = root;
        for (Path part : inside.getParent() != null ? Paths.get("/").relativize(inside.getParent()) : Paths.get("")) {
            at = at.resolve(part.toString());
            if (Files.isSymbolicLink(at)) {
                throw new IOException(inside.getParent() + " in the target's file system is a symbolic link (" + at
                        + "); refusing to follow it from outside");
            }
        }
        return p;
    }
}
