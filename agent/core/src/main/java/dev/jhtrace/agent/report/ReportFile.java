package dev.jhtrace.agent.report;

import dev.jhtrace.agent.os.UnixStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * Writes a report file safely: {@code %p} and {@code %t} expanded, missing parent directories created
 * owner-only, the file created owner-only under a temporary name and renamed into place (a reader never sees
 * half a report under the final name), and never through a symbolic link, into a FIFO or a device, or into a
 * file of another user.
 */
public final class ReportFile {
    private ReportFile() {}

    /**
     * @param pattern the {@code report=} value
     * @param pid     this process
     * @return the path with {@code %p} (pid) and {@code %t} (UTC timestamp) expanded
     */
    public static Path expand(String pattern, long pid) {
        // UTC, not the local zone: the local zone loads the JDK's time-zone data, a file to open, and a report is
        // often written when the program has no descriptor left to open one
        String expanded = pattern.replace("%p", Long.toString(pid));
        if (expanded.contains("%t")) {
            expanded = expanded.replace("%t", timestamp(LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC)));
        }
        return Paths.get(expanded);
    }

    /**
     * @param t a time
     * @return it as {@code yyyyMMdd-HHmmss-SSS}; by hand, not with a {@code DateTimeFormatter}, whose classes and
     *     lambdas cost 10-20 ms of the start that checks {@code report=} before {@code main}
     */
    static String timestamp(LocalDateTime t) {
        StringBuilder sb = new StringBuilder(19);
        pad(sb, t.getYear(), 4);
        pad(sb, t.getMonthValue(), 2);
        pad(sb, t.getDayOfMonth(), 2);
        sb.append('-');
        pad(sb, t.getHour(), 2);
        pad(sb, t.getMinute(), 2);
        pad(sb, t.getSecond(), 2);
        sb.append('-');
        pad(sb, t.getNano() / 1_000_000, 3);
        return sb.toString();
    }

    private static void pad(StringBuilder sb, int value, int digits) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < digits; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    /**
     * Checks a {@code report=} value when the agent starts (or {@code -enable} sets it), creating missing parent
     * directories owner-only, so that a report that cannot be written is said at once, not lost at exit.
     *
     * @param pattern the {@code report=} value
     * @param pid     this process
     * @return null if the report can be written there, else why not
     */
    public static String checkPattern(String pattern, long pid) {
        Path path;
        try {
            path = expand(pattern, pid).toAbsolutePath();
        } catch (RuntimeException e) {
            return "not a valid path (" + e.getMessage() + ")";
        }
        try {
            Path dir = directory(path);
            if (!Files.isWritable(dir)) {
                return "directory " + dir + " is not writable";
            }
            return existing(path);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** @return the parent directory, created owner-only (with its own missing parents) when absent */
    private static Path directory(Path path) throws IOException {
        Path dir = path.getParent();
        if (dir == null) {
            throw new IOException("no directory");
        }
        checkChain(dir);
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new IOException("cannot create directory " + dir + " (" + e + ")");
            }
        }
        return dir;
    }

    /**
     * Refuses a directory another user could redirect: a symbolic link on the way that belongs to someone other than
     * this user or root (the agent often runs as root: such a link would let its owner choose where root writes), or a
     * directory above the report's own that others may write without the sticky bit (they could put such a link there
     * after the check). The
     * rules of the kernel's {@code protected_symlinks}, applied to every component, not only in sticky directories.
     *
     * @param dir an absolute directory path; components that do not exist yet are not checked (they are created
     *            owner-only)
     * @throws IOException naming the component refused
     */
    public static void checkChain(Path dir) throws IOException {
        checkChain(dir, true);
    }

    /** @param sharedLast whether the last component is the report's own directory, which others may share */
    private static void checkChain(Path dir, boolean sharedLast) throws IOException {
        int me = dev.jhtrace.agent.control.ControlEndpoint.currentUid();
        Path at = dir.getRoot();
        for (int i = 0; i < dir.getNameCount(); i++) {
            Path next = at.resolve(dir.getName(i));
            boolean last = i == dir.getNameCount() - 1;
            UnixStat a; // one lstat for what the three questions below need
            try {
                a = UnixStat.of(next);
            } catch (java.nio.file.NoSuchFileException absent) {
                return;
            }
            int owner = a.uid();
            if (a.isSymbolicLink()) {
                if (owner != me && owner != 0) {
                    throw new IOException(next + " is a symbolic link of uid " + owner
                            + ", who could point it anywhere; refusing to" + " write the report through it");
                }
                next = next.toRealPath(); // a link of ours or root's: follow it, and check where it leads from the top
                checkChain(next, sharedLast && last);
            } else if (a.isDirectory() && !(sharedLast && last)) {
                // the report's own directory may be shared (the file goes in under a fresh name, with O_EXCL and
                // without
                // following links, then is renamed): only a directory above it, whose entries lead to it, must be safe
                if (a.othersMayWrite() && !a.sticky() && owner != me) {
                    throw new IOException(
                            "directory " + next + " is writable by other users; refusing to write the report under it");
                }
            }
            at = next;
        }
    }

    /** @return null if there is no file at path or a regular file of this user's, else why it is refused */
    private static String existing(Path path) throws IOException {
        UnixStat a;
        try {
            a = UnixStat.of(path);
        } catch (java.nio.file.NoSuchFileException absent) {
            return null;
        }
        if (!a.isRegularFile()) {
            return path + " exists and is not a regular file ("
                    + (a.isSymbolicLink()
                            ? "a symbolic link"
                            : a.isDirectory() ? "a directory" : "a FIFO, socket or device")
                    + "); refusing to write the report there";
        }
        int owner = a.uid();
        int me = dev.jhtrace.agent.control.ControlEndpoint.currentUid();
        if (owner != me) {
            return path + " belongs to uid " + owner + ", not to this process's uid " + me
                    + "; refusing to write the report there";
        }
        return null;
    }

    /**
     * @param path    where
     * @param content what
     * @param pid     this process, to name the temporary file
     * @throws IOException if the file cannot be written, or the path is refused (see the class comment)
     */
    public static void write(Path path, String content, long pid) throws IOException {
        write(path, content.getBytes(StandardCharsets.UTF_8), pid);
    }

    /**
     * @param path    where
     * @param content what, as bytes
     * @param pid     this process, to name the temporary file
     * @throws IOException if the file cannot be written, or the path is refused (see the class comment)
     */
    public static void write(Path path, byte[] content, long pid) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = directory(target);
        String refused = existing(target);
        if (refused != null) {
            throw new IOException(refused);
        }
        Path temp = dir.resolve("." + target.getFileName() + "." + pid + ".tmp");
        Files.deleteIfExists(temp); // one of an earlier process with this pid that died while writing
        Set<OpenOption> options =
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            // created with the mode: nothing is ever chmod'ed by path
            try (SeekableByteChannel ch = Files.newByteChannel(
                    temp,
                    options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp); // a full disk: no half report left behind, under any name
        }
    }
}
