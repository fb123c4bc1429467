package dev.jhtrace.agent.cli;

import dev.jhtrace.agent.AgentOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code jhtrace agentpath [OPTIONS...] [--extract DIR]}: prints the JVM flag of the native start,
 * {@code -agentpath:/abs/libjhtrace.so[=options]}, for {@code java "$(java -jar jhtrace.jar agentpath)" ...}.
 *
 * <p>The library is the one beside this jar (where the build and a release put it). A jar copied alone has none
 * beside it: {@code --extract DIR} writes the jar's own copy into DIR (replaced atomically when it differs, never
 * through a link) and the flag then names this jar with {@code jar=}. The options are checked as the agent would
 * check them, so a typo is said here rather than at the start of every JVM given the flag.
 */
final class AgentPathCommand {
    private static final String LIBRARY = "libjhtrace.so";

    private AgentPathCommand() {}

    /** A bad command line (exit 2) or a library that cannot be had (exit 1). */
    private static final class Failure extends Exception {
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * @param args the arguments after {@code agentpath}
     * @param out  where the flag goes, one line
     * @param err  where a failure is said
     * @return 0 with the flag printed, 1 when there is no library to name, 2 on bad input
     */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            out.println(flag(args));
            out.flush();
            return 0;
        } catch (Failure f) {
            err.println("jhtrace: " + Terminal.printable(f.getMessage()));
            return f.status;
        }
    }

    private static String flag(List<String> args) throws Failure {
        List<String> options = new ArrayList<>();
        Path extractTo = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--extract")) {
                if (i + 1 == args.size()) {
                    throw new Failure(2, "--extract needs a directory (see jhtrace -?)");
                }
                extractTo = Paths.get(args.get(++i)).toAbsolutePath().normalize();
            } else if (a.startsWith("-")) {
                throw new Failure(2, "agentpath: unknown argument '" + a + "' (see jhtrace -?)");
            } else if (!a.isEmpty()) {
                options.add(a);
            }
        }
        String joined = String.join(",", options);
        checkOptions(joined);
        Path jar;
        try {
            jar = AgentLoader.jar();
        } catch (Target.Refused e) {
            throw new Failure(1, e.getMessage());
        }
        Path library;
        if (extractTo != null) {
            library = extract(extractTo);
        } else {
            library = jar.resolveSibling(LIBRARY);
            if (!Files.isRegularFile(library)) {
                throw new Failure(
                        1,
                        "no " + LIBRARY + " beside " + jar + " (a jar copied alone): java -jar " + jar
                                + " agentpath --extract DIR puts the jar's copy into DIR");
            }
        }
        if (library.toString().contains("=")) {
            // the JVM splits -agentpath at the first '=': the rest would be taken for options
            throw new Failure(
                    1,
                    "the library's path " + library + " has a '=', which -agentpath cannot hold: extract it"
                            + " elsewhere (--extract DIR)");
        }
        List<String> parts = new ArrayList<>();
        if (!besideTheLibrary(library, jar)) {
            if (jar.toString().contains(",")) {
                throw new Failure(
                        1,
                        "the jar's path " + jar + " has a comma, which -agentpath options cannot hold: extract the"
                                + " library beside the jar, or move the jar");
            }
            parts.add("jar=" + jar);
        }
        if (!joined.isEmpty()) {
            parts.add(joined);
        }
        return "-agentpath:" + library + (parts.isEmpty() ? "" : "=" + String.join(",", parts));
    }

    /**
     * @return whether the native start finds this jar by itself: it looks for jhtrace.jar beside the library's real
     *     path, so a jar of another name, or a library that is a link to elsewhere, needs jar=
     */
    private static boolean besideTheLibrary(Path library, Path jar) {
        try {
            Path found = library.toRealPath().resolveSibling("jhtrace.jar");
            return Files.exists(found) && Files.isSameFile(found, jar);
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkOptions(String joined) throws Failure {
        if (Arrays.stream(joined.split(",")).anyMatch(o -> o.startsWith("jar="))) {
            throw new Failure(2, "agentpath: jar= is not an option here; the flag names this jar when it has to");
        }
        try {
            AgentOptions.parse(joined);
        } catch (AgentOptions.BadOption e) {
            throw new Failure(2, "bad agent option: " + e.getMessage());
        }
    }

    /** @return whether the file is this user's and no other user may write it */
    private static boolean oursAlone(Path file) throws IOException {
        int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return owner == dev.jhtrace.agent.control.ControlEndpoint.currentUid() && (mode & 0022) == 0;
    }

    /** Writes the jar's library into dir (kept when the same bytes are there already); returns its path. */
    private static Path extract(Path dir) throws Failure {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            throw new Failure(1, "the native start needs Linux, not " + System.getProperty("os.name"));
        }
        byte[] bytes;
        try (InputStream in =
                AgentPathCommand.class.getResourceAsStream("/dev/jhtrace/native/linux-" + arch + "/" + LIBRARY)) {
            if (in == null) {
                throw new Failure(1, "no native module for linux-" + arch + " in the agent jar");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new Failure(1, "cannot read the native module from the jar: " + e);
        }
        Path target = dir.resolve(LIBRARY);
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    && oursAlone(target)
                    && Arrays.equals(Files.readAllBytes(target), bytes)) {
                return target; // kept only if no one else could change it later under every JVM given the flag
            }
            // a new name created here (never an existing file or a link followed), renamed over the old one: a JVM
            // mapping the library meanwhile sees the old file or the new, never half of one
            Path tmp = dir.resolve("." + LIBRARY + "." + ProcessHandle.current().pid() + ".tmp");
            try {
                // created with its mode (the umask may take more away), nothing chmod'ed by path
                try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(
                        tmp,
                        java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")))) {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (FileAlreadyExistsException e) {
            throw new Failure(1, "cannot extract the library into " + dir + ": " + e.getFile() + " is in the way");
        } catch (IOException | RuntimeException e) {
            throw new Failure(1, "cannot extract the library into " + dir + ": " + e);
        }
    }
}
