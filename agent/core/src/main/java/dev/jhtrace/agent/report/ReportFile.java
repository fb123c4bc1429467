package dev.jhtrace.agent.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Writes a report file safely: {@code %p} and {@code %t} expanded, owner-only permissions, and never through a
 * symbolic link (another user could otherwise plant one to make the agent overwrite a file of theirs choosing).
 */
public final class ReportFile {
    private ReportFile() {
    }

    /**
     * @param pattern the {@code report=} value
     * @param pid     this process
     * @return the path with {@code %p} (pid) and {@code %t} (timestamp) expanded
     */
    public static Path expand(String pattern, long pid) {
        String t = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return Paths.get(pattern.replace("%p", Long.toString(pid)).replace("%t", t));
    }

    /**
     * @param path    where
     * @param content what
     * @throws IOException if the file cannot be written, or is a symbolic link
     */
    public static void write(Path path, String content) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel ch = Files.newByteChannel(path, options,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            // an existing file keeps its mode on open: narrow it to the owner too
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
