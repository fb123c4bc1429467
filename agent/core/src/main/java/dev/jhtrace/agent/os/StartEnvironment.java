package dev.jhtrace.agent.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The environment this process was started with, read from {@code /proc/self/environ}.
 *
 * <p>Why not {@link System#getenv(String)}: its first call builds the JDK's copy of the environment
 * ({@code ProcessEnvironment}, and on JDK 25 {@code ProcessImpl}, a hooked class that must then be retransformed), a
 * few milliseconds of every start that a program which never reads its environment would not pay. Before
 * {@code main} the two are the same: nothing the JVM runs first changes its environment. Anything unusual (no
 * {@code /proc}, an environment too large to read whole) falls back to {@code System.getenv}.
 */
public final class StartEnvironment {
    /** Larger environments are rare; one cut short cannot be trusted. */
    private static final int MAX_BYTES = 1 << 20;

    private StartEnvironment() {}

    /**
     * @param name a variable's name
     * @return its value, or null when it is not set
     */
    public static String get(String name) {
        byte[] all;
        try (FileInputStream in = new FileInputStream("/proc/self/environ")) {
            all = in.readNBytes(MAX_BYTES);
        } catch (IOException | RuntimeException e) {
            return System.getenv(name);
        }
        if (all.length == MAX_BYTES) {
            return System.getenv(name);
        }
        return find(all, name);
    }

    /**
     * @param environ {@code NAME=value} entries, each ended by a NUL byte
     * @param name    the name to find
     * @return its value in the platform's encoding of names and paths, or null
     */
    static String find(byte[] environ, String name) {
        byte[] key = (name + "=").getBytes(StandardCharsets.UTF_8);
        for (int start = 0; start < environ.length; ) {
            int end = start;
            while (end < environ.length && environ[end] != 0) {
                end++;
            }
            if (startsWith(environ, start, end, key)) {
                return new String(environ, start + key.length, end - start - key.length, nativeEncoding());
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean startsWith(byte[] environ, int start, int end, byte[] key) {
        if (end - start < key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (environ[start + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return the encoding the JDK decodes the environment with ({@code sun.jnu.encoding}), UTF-8 if unknown */
    private static Charset nativeEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
