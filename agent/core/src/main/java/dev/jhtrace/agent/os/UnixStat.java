package dev.jhtrace.agent.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code lstat(2)} says of a path that the agent's checks of its own files need: owner, mode with the file type,
 * size, in one call.
 *
 * <p>Why: the checks of the cache's and the reports' paths look at every component of them. Reading the
 * POSIX attributes, then {@code unix:uid}, then {@code unix:mode} was three system calls and three maps per
 * component, in every start and in every report.
 *
 * @param uid  the owner
 * @param mode the mode, file type bits included
 * @param size the size in bytes
 */
public record UnixStat(int uid, int mode, long size) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    /**
     * @param path a path, not followed if it is a link
     * @return what {@code lstat} says of it
     * @throws IOException when it cannot be read ({@link java.nio.file.NoSuchFileException} when absent)
     */
    public static UnixStat of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:uid,mode,size", LinkOption.NOFOLLOW_LINKS);
        return new UnixStat((Integer) a.get("uid"), (Integer) a.get("mode"), (Long) a.get("size"));
    }

    /** @return whether it is a directory */
    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** @return whether it is a regular file */
    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** @return whether it is a symbolic link */
    public boolean isSymbolicLink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** @return whether users other than the owner (its group, or anyone) may write it */
    public boolean othersMayWrite() {
        return (mode & 0022) != 0;
    }

    /** @return whether the sticky bit is set (in a directory: only an entry's owner may rename or remove it) */
    public boolean sticky() {
        return (mode & 01000) != 0;
    }
}
