package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.control.ControlEndpoint;
import dev.jhtrace.agent.os.UnixStat;
import dev.jhtrace.agent.report.Escapes;
import dev.jhtrace.agent.report.ReportFile;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The hook check's verdict on this JDK, kept between runs.
 *
 * <p>Why: the check ({@link HookCheck}) reads about twenty class files from the runtime image and loads the classes
 * whose fields the capture reads, each of which the hooks then rewrite: 100-200 ms at the first report, which every
 * JVM of a test suite writing {@code report=} pays at its exit. Its verdict depends only on the JDK's classes and on
 * the agent's build, so it is computed once per pair and read back after that.
 *
 * <p>The key names both: the JDK's {@code java.home}, its VM version, the size and time of its {@code lib/modules}
 * (the image the classes come from) and any {@code --patch-module}; the agent jar's path, size and time. A JDK
 * updated in place or a rebuilt agent has another key, so another file; the stored key is compared in full, not only
 * its hash in the file name. The verdict holds only what the check finds in the JDK (hooks that match nothing,
 * fields that are absent); a class that fails to be instrumented in this run is still said by this run.
 *
 * <p>One file per JDK and agent jar (by their paths): a rebuilt agent replaces its file, and the files of agent
 * jars that are gone are removed when a verdict is written.
 *
 * <p>Safety: the directory ({@code cache=DIR}, else {@code $XDG_CACHE_HOME/jhtrace}, else
 * {@code ~/.cache/jhtrace}) is created owner-only and used only while it is this user's and no other user may write
 * it; a file is read only when it is a regular file of this user's (not through a link), at most 64 KB, and written
 * as reports are (a fresh name, owner-only, renamed into place). Anything else is a miss: the check runs as it always
 * did. A cache never fails a report and never prints.
 */
public final class HookCheckCache {
    private static final String MAGIC = "jhtrace hook check 1";
    private static final String PREFIX = "hookcheck-";
    private static final long MAX_BYTES = 64 * 1024;

    private final Path directory;
    private final Path agentJar;
    /** Computed at the first report, not at start-up: two file attributes the start need not read. */
    private String key;

    private HookCheckCache(Path directory, Path agentJar) {
        this.directory = directory;
        this.agentJar = agentJar;
    }

    /**
     * @param option   the {@code cache=} option: null for none, empty for the default place, else a directory
     * @param agentJar the agent's jar, part of the key; null (classes not from a jar) for no cache
     * @return the cache, or null when there is none to use (no home directory, no runtime image, no jar)
     */
    public static HookCheckCache open(String option, String agentJar) {
        if (option == null || agentJar == null) {
            return null;
        }
        try {
            Path dir = option.isEmpty() ? defaultDirectory() : Paths.get(option);
            return dir != null ? new HookCheckCache(dir, Paths.get(agentJar)) : null;
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    /** @return the key, or null when there is none (no runtime image) */
    private synchronized String key() throws IOException {
        if (key == null) {
            key = key(agentJar);
        }
        return key;
    }

    /** @return {@code $XDG_CACHE_HOME/jhtrace} (an absolute one), else {@code ~/.cache/jhtrace}, else null */
    static Path defaultDirectory() {
        String xdg = dev.jhtrace.agent.os.StartEnvironment.get("XDG_CACHE_HOME"); // not getenv: see there
        if (xdg != null && xdg.startsWith("/")) {
            return Paths.get(xdg, "jhtrace");
        }
        String home = System.getProperty("user.home");
        return home != null && home.startsWith("/") && !home.equals("/") ? Paths.get(home, ".cache", "jhtrace") : null;
    }

    /** @return what the verdict depends on, or null when the JDK has no runtime image to identify it by */
    static String key(Path agentJar) throws IOException {
        String home = System.getProperty("java.home");
        Path modules = Paths.get(home, "lib", "modules");
        if (!Files.isRegularFile(modules)) {
            return null; // an exploded JDK build: its classes can change one by one
        }
        BasicFileAttributes image = Files.readAttributes(modules, BasicFileAttributes.class);
        BasicFileAttributes jar = Files.readAttributes(agentJar, BasicFileAttributes.class);
        return "jdk=" + home + "|" + System.getProperty("java.vm.version") + "|" + image.size() + "|"
                + image.lastModifiedTime().toMillis() + "|patch=" + System.getProperty("jdk.module.patch.0")
                + " agent=" + agentJar.toAbsolutePath() + "|" + jar.size() + "|"
                + jar.lastModifiedTime().toMillis();
    }

    /**
     * @return the file of this JDK and agent jar: a hash of their paths names it (a rebuilt jar or an updated JDK
     *     replaces the file of the one before), the whole key is inside and compared
     */
    Path file() {
        return file(PREFIX);
    }

    /** @return the file of this JDK and agent jar for the cache of that prefix (see {@link #file()}) */
    Path file(String prefix) {
        String name = System.getProperty("java.home") + "\n" + agentJar.toAbsolutePath();
        long h = 0xcbf29ce484222325L; // FNV-1a, 64 bits: a name, not a check
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        // not String.format: its Formatter and regular expressions are classes of their own for every start
        String hex = Long.toHexString(h);
        return directory.resolve(prefix + "0000000000000000".substring(hex.length()) + hex);
    }

    /**
     * @param file a file of this cache
     * @param max  the most bytes it may have
     * @return whether it may be read: a key for this JDK, the directory and the file this user's alone, no link
     */
    boolean usable(Path file, long max) throws IOException {
        if (key() == null || !ours(directory, true, max) || !ours(file, false, max)) {
            return false;
        }
        // and no component above that another user could swap between this check and the open (a rewrite read
        // from a directory they control would be their code in java.base)
        return safeChain(directory, 0);
    }

    /**
     * @return whether no user but this one and root can change what dir leads to: every component this user's or
     *     root's, none writable by others unless sticky (then only its own entries are the owner's to rename), a
     *     link only if it is this user's or root's, and where it leads checked the same way
     */
    private static boolean safeChain(Path dir, int depth) throws IOException {
        if (depth > 8 || !dir.isAbsolute()) {
            return false;
        }
        int me = ControlEndpoint.currentUid();
        Path at = dir.getRoot();
        for (int i = 0; i < dir.getNameCount(); i++) {
            Path next = at.resolve(dir.getName(i));
            UnixStat a = UnixStat.of(next);
            int owner = a.uid();
            if (owner != me && owner != 0) {
                return false;
            }
            if (a.isSymbolicLink()) {
                Path target = next.toRealPath();
                if (!safeChain(target, depth + 1)) {
                    return false;
                }
                next = target;
            } else if (a.othersMayWrite() && !a.sticky()) {
                return false;
            }
            at = next;
        }
        return true;
    }

    /** @return the stored verdict (possibly empty: nothing wrong), or null on a miss */
    public List<String> read() {
        try {
            Path file = file();
            if (!usable(file, MAX_BYTES)) {
                return null;
            }
            byte[] bytes;
            // java.io: a first FileChannel would make JDK 17 open a socketpair for itself, in the program's table
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                bytes = in.readNBytes((int) MAX_BYTES + 1);
            }
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            if (bytes.length > MAX_BYTES
                    || lines.length < 3
                    || !lines[0].equals(MAGIC)
                    || !lines[1].equals(storedKey())
                    || !lines[lines.length - 1].isEmpty()) {
                return null; // another version's, a hash collision, or cut short
            }
            List<String> verdict = new ArrayList<>();
            for (int i = 2; i < lines.length - 1; i++) {
                verdict.add(lines[i]);
            }
            return verdict;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Stores a verdict; silently not when it cannot be (a read-only home, a directory not this user's).
     *
     * @param verdict the check's findings in this JDK, one line each
     */
    public void write(List<String> verdict) {
        try {
            if (key() == null) {
                return;
            }
            StringBuilder text =
                    new StringBuilder(MAGIC).append('\n').append(storedKey()).append('\n');
            for (String line : verdict) {
                if (line.indexOf('\n') >= 0) {
                    return;
                }
                text.append(line).append('\n');
            }
            writeFile(PREFIX, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // a cache is an optimisation: the next run checks again
        }
    }

    /**
     * Writes a file of this cache as reports are written (a fresh owner-only name, renamed into place), then removes
     * the files of that prefix whose agent jar is gone.
     *
     * @param prefix  the cache's file prefix
     * @param content its bytes, headed by its magic line and {@link #storedKey()}
     * @throws IOException when it cannot be written
     */
    void writeFile(String prefix, byte[] content) throws IOException {
        if (key() == null
                || Files.exists(directory, LinkOption.NOFOLLOW_LINKS) && !ours(directory, true, Long.MAX_VALUE)) {
            return;
        }
        ReportFile.write(file(prefix), content, dev.jhtrace.agent.os.ProcessInfo.pid());
        prune(prefix);
    }

    /**
     * Removes the verdicts of agent jars that are gone (a copy in a temporary directory, a release replaced by the
     * next): one file per jar and JDK would otherwise pile up. Only this user's regular files of this format.
     */
    private void prune(String prefix) throws IOException {
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*")) {
            for (Path f : files) {
                if (!ours(f, false, Long.MAX_VALUE)) {
                    continue;
                }
                String jar = storedJar(f);
                if (jar != null && !Files.exists(Paths.get(jar))) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** @return the agent jar a verdict file names, or null if it cannot be told (an escaped path, another format) */
    static String storedJar(Path file) throws IOException {
        String[] lines;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            lines = new String(in.readNBytes((int) MAX_BYTES), StandardCharsets.UTF_8).split("\n", 3);
        }
        if (lines.length < 3 || !lines[0].startsWith("jhtrace hook ")) {
            return null;
        }
        int start = lines[1].indexOf(" agent=");
        int mtime = lines[1].lastIndexOf('|');
        int size = mtime > 0 ? lines[1].lastIndexOf('|', mtime - 1) : -1;
        if (start < 0 || size < start + 7) {
            return null;
        }
        String jar = lines[1].substring(start + 7, size);
        return jar.startsWith("/") && !jar.contains("\\") ? jar : null;
    }

    /** @return the key as the files hold it, on their second line */
    String storedKey() throws IOException {
        return Escapes.printable(key());
    }

    /** @return whether path is this user's directory (no other may write it) or regular file, not a link */
    private static boolean ours(Path path, boolean directory, long max) throws IOException {
        UnixStat a;
        try {
            a = UnixStat.of(path);
        } catch (NoSuchFileException absent) {
            return false;
        }
        if (directory ? !a.isDirectory() : !a.isRegularFile() || a.size() > max) {
            return false;
        }
        return a.uid() == ControlEndpoint.currentUid() && !a.othersMayWrite();
    }
}
