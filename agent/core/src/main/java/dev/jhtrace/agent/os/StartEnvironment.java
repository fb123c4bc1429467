package dev.jhtrace.agent.os;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The variables of this process's environment that the start reads.
 *
 * <p>Why not always {@link System#getenv(String)}: its first call builds the JDK's copy of the whole environment
 * ({@code ProcessEnvironment}, and on JDK 25 {@code ProcessImpl}, a hooked class that must then be retransformed), a
 * few milliseconds of every start that a program which never reads its environment would not pay. The native start
 * asks the C library's {@code getenv} instead, through its module ({@link #use}); {@code -javaagent} and attach,
 * whose start pays for {@code java.instrument} anyway, keep {@code System.getenv}. Both read the environment as it is
 * now, with what a host that embeds the JVM set before starting it.
 */
public final class StartEnvironment {
    /** The C library's {@code getenv}, as bytes, once the native start installed it; else null. */
    public interface NativeGetenv {
        /**
         * @param name a variable's name
         * @return its value's bytes, or null when it is not set
         */
        byte[] getenv(String name);
    }

    private static volatile NativeGetenv source;

    private StartEnvironment() {}

    /** @param getenv the native module's {@code getenv}, for every later {@link #get} */
    public static void use(NativeGetenv getenv) {
        source = getenv;
    }

    /**
     * @param name a variable's name
     * @return its value, or null when it is not set
     */
    public static String get(String name) {
        NativeGetenv s = source;
        if (s == null) {
            return System.getenv(name);
        }
        byte[] value = s.getenv(name);
        return value == null ? null : new String(value, nativeEncoding());
    }

    /** @return the encoding the JDK decodes the environment and paths with ({@code sun.jnu.encoding}), UTF-8 if unknown */
    static Charset nativeEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
