package dev.jhtrace.agent.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;

/**
 * Where a process's control channel lives and whose it is: the one rule the agent and the CLI share.
 *
 * <p>The socket of process {@code P} of user {@code U} is {@code /tmp/.jhtrace-U/P.sock}; the directory is
 * {@code U}'s own and owner-only. Users are compared by uid, never by name: a container's uid may have no
 * passwd entry, and {@code -Duser.name} can say anything.
 */
public final class ControlEndpoint {
    private ControlEndpoint() {}

    /**
     * The uid a process runs as: the owner of its {@code /proc/<pid>} directory. The link is followed on purpose:
     * {@code /proc/self} itself is a symbolic link that always belongs to root.
     *
     * @param pid a process id
     * @return its (effective) uid
     * @throws IOException if there is no such process
     */
    public static int uidOf(long pid) throws IOException {
        return (Integer) Files.getAttribute(Paths.get("/proc", Long.toString(pid)), "unix:uid");
    }

    /**
     * @param pid a process id
     * @return its (effective) gid
     * @throws IOException if there is no such process
     */
    public static int gidOf(long pid) throws IOException {
        return (Integer) Files.getAttribute(Paths.get("/proc", Long.toString(pid)), "unix:gid");
    }

    /**
     * @return this process's uid, read as {@link #uidOf} reads any other's
     * @throws IOException if {@code /proc} cannot be read
     */
    public static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Paths.get("/proc/self/"), "unix:uid");
    }

    /**
     * @param uid a user id
     * @return the directory that user's agents put their sockets in
     */
    public static Path directory(int uid) {
        return Paths.get("/tmp", ".jhtrace-" + uid);
    }

    /**
     * @param pid a process id
     * @return the socket's file name inside {@link #directory}
     */
    public static String socketName(long pid) {
        return pid + ".sock";
    }

    /**
     * @param uid the user id of the process
     * @param pid the process id
     * @return where the agent of that process listens
     */
    public static Path socket(int uid, long pid) {
        return directory(uid).resolve(socketName(pid));
    }

    /**
     * Checks a socket before talking to it: its directory must be a real directory of {@code uid} that nobody else
     * may write, the socket a socket of {@code uid}. Another user could otherwise plant a socket and answer in the
     * agent's name.
     *
     * @param socket the socket's path
     * @param uid    whose it must be
     * @return null if it may be trusted, else why not (one line); "absent" reasons start with {@code "no "}
     */
    public static String untrusted(Path socket, int uid) {
        Path dir = socket.getParent();
        PosixFileAttributes d;
        try {
            d = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return "no " + dir;
        }
        if (!d.isDirectory()) {
            return dir + " is not a directory (" + (d.isSymbolicLink() ? "a symbolic link" : "a file")
                    + "); refusing to use it";
        }
        int owner = ownerUid(dir);
        if (owner != uid) {
            return dir + " belongs to uid " + owner + ", not to uid " + uid
                    + "; refusing to use it (remove it if it is not yours)";
        }
        if (d.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || d.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return dir + " is writable by other users; refusing to use it";
        }
        BasicFileAttributes s;
        try {
            s = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return "no " + socket;
        }
        if (!s.isOther() || ownerUid(socket) != uid) {
            return socket + " is not a socket of uid " + uid + "; refusing to use it";
        }
        return null;
    }

    /**
     * @param p a path, not followed if it is a link
     * @return the uid owning it, or -1 if it cannot be read
     */
    static int ownerUid(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
