package dev.jhtrace.agent;

import java.util.List;

/**
 * Tells the handles the JDK keeps open on purpose from the program's.
 *
 * <p>The class path's jars, the {@code /dev/urandom} pool behind SecureRandom, the default asynchronous
 * channel group and the launcher's files stay open for the JVM's life: they are the runtime's, not leaks.
 * So is anything opened with no frame of the program's on the stack (JDK threads doing JDK work).
 */
final class RuntimeHandles {
    /** Frames ({@code class} prefix, or {@code class#method}) that mean the JDK holds the handle for itself. */
    private static final String[] HOLDERS = {
        "jdk.internal.loader.",
        "sun.security.provider.FileInputStreamPool",
        "sun.launcher.",
        "jdk.internal.jimage.",
        "sun.nio.ch.LinuxAsynchronousChannelProvider#defaultEventPort",
    };

    private static final String[] JDK_PREFIXES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

    private RuntimeHandles() {}

    /**
     * @param frames an open stack, innermost first
     * @param depth  the most frames a stack keeps ({@code depth=}): a stack that long may have lost its program
     *               frames below the cut, so it is the JDK's only if a holder frame says so
     * @return true if the JDK opened the handle for itself
     */
    static boolean isRuntime(List<StackTraceElement> frames, int depth) {
        boolean programFrame = false;
        for (StackTraceElement e : frames) {
            String cls = e.getClassName();
            for (String h : HOLDERS) {
                int hash = h.indexOf('#');
                if (hash < 0
                        ? cls.startsWith(h)
                        : cls.equals(h.substring(0, hash)) && e.getMethodName().equals(h.substring(hash + 1))) {
                    return true;
                }
            }
            if (!isJdk(cls)) {
                programFrame = true;
            }
        }
        return !programFrame && frames.size() < depth;
    }

    /**
     * @param cls a class name
     * @return true if it belongs to the JDK
     */
    static boolean isJdk(String cls) {
        for (String p : JDK_PREFIXES) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
