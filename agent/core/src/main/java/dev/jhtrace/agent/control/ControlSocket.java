package dev.jhtrace.agent.control;

/**
 * The control channel's socket calls, done by the native module ({@code native/src/control_socket.c}).
 *
 * <p>Not {@code java.nio}: the JDK's Unix domain socket classes initialise {@code SecureRandom} in their static
 * initialiser, which opens {@code /dev/random} and {@code /dev/urandom} on the program's behalf and, run at the
 * descriptor limit, fails and leaves {@code sun.security.jca.Providers} (and with it MessageDigest, SecureRandom,
 * TLS, JMX) broken for the program for the rest of the JVM's life. Every call here returns a value (a descriptor,
 * a count) or a negative error code; none throws, none blocks longer than its timeout.
 */
public final class ControlSocket {
    /** The directory exists but belongs to another uid. */
    static final int FOREIGN = -100000;
    /** The directory's path is a symbolic link or not a directory. */
    static final int NOT_DIR = -100001;
    /** The socket's path is longer than a Unix socket address can hold. */
    static final int TOO_LONG = -100002;
    /** Nothing arrived within the timeout. */
    static final int TIMEOUT = -100003;
    /** A live process listens at the path: another pid namespace's process with this pid, sharing /tmp. */
    static final int IN_USE = -100004;
    /** errno values the accept loop waits out instead of giving up. */
    static final int EMFILE = -24;

    static final int ENFILE = -23;
    static final int ENOMEM = -12;
    static final int ENOBUFS = -105;

    private ControlSocket() {}

    /**
     * @param dir  the socket directory, created owner-only when absent, and checked
     * @param name the socket's name in it
     * @return the listening descriptor, or a negative code
     */
    static native int listen0(String dir, String name);

    /**
     * @param peerUid receives the client's uid (SO_PEERCRED) in its first element
     * @return the client's descriptor, or a negative code ({@link #TIMEOUT}, -errno)
     */
    static native int accept0(int listener, int timeoutMillis, int[] peerUid);

    /** Makes a waiting {@link #accept0} fail at once without freeing the descriptor's number. @return 0 or -errno */
    static native int shutdown0(int fd);

    /** Removes {@code name} from {@code dir} if it is a socket nobody listens on. @return 0, {@link #IN_USE} or -errno */
    static native int unlinkStale0(String dir, String name);

    /** @return bytes read (0 at the end of the stream), or a negative code */
    static native int read0(int fd, byte[] buf, int off, int len, int timeoutMillis);

    /** @return {@code len}, or a negative code */
    static native int write0(int fd, byte[] buf, int off, int len, int timeoutMillis);

    /** @return 0 or -errno */
    static native int close0(int fd);

    /** Removes {@code name} from {@code dir} if it is a socket. @return 0 or -errno */
    static native int unlink0(String dir, String name);

    /** @return this process's effective uid, as peers' credentials name it */
    public static native int euid0();

    /**
     * @param code a negative code from one of these calls
     * @return what it means, in a few words
     */
    static String describe(int code) {
        return switch (code) {
            case FOREIGN -> "the directory belongs to another user";
            case NOT_DIR -> "the path is a symbolic link or not a directory";
            case TOO_LONG -> "the socket path is too long";
            case TIMEOUT -> "timed out";
            case IN_USE ->
                "another live process (of another pid namespace sharing /tmp?) listens at this process's socket path";
            case EMFILE -> "too many open files";
            case ENFILE -> "too many open files in the system";
            case -13 -> "permission denied";
            case -1 -> "operation not permitted";
            case -28 -> "no space left on device";
            case -30 -> "read-only file system";
            default -> "error " + -code;
        };
    }
}
