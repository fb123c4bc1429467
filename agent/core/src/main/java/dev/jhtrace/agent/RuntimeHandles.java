package dev.jhtrace.agent;

import java.util.List;

/**
 * Tells the handles the JDK keeps open on purpose from the program's.
 *
 * <p>The class path's jars, the {@code /dev/urandom} pool behind SecureRandom, the default asynchronous
 * channel group, the launcher's files, the jars the JDK's jar-URL cache keeps, the connections its HTTP keep-alive cache
 * and {@code java.net.http}'s pool keep (with that client's selector) stay open as long as the JDK wants: they are
 * the runtime's, not leaks. So is anything opened with no frame of the program's on the stack (JDK threads doing JDK
 * work). A {@code URLClassLoader} the program made is the program's: the jars it opens stay open until the program
 * closes it.
 */
final class RuntimeHandles {
    /** Frames ({@code class} prefix, or {@code class#method}) that mean the JDK holds the handle for itself. */
    private static final String[] HOLDERS = {
        "jdk.internal.loader.",
        "sun.security.provider.FileInputStreamPool",
        "sun.launcher.",
        "jdk.internal.jimage.",
        "sun.nio.ch.LinuxAsynchronousChannelProvider#defaultEventPort",
        "sun.net.www.protocol.jar.JarFileFactory",
        "sun.net.www.http.HttpClient",
        "jdk.internal.net.http.",
    };

    /** A frame of this class means a class loader the program made (the JDK's own are not URLClassLoaders). */
    private static final String PROGRAMS_LOADER = "java.net.URLClassLoader";

    private RuntimeHandles() {}

    /**
     * @param frames an open stack, innermost first
     * @param depth  the most frames a stack keeps ({@code depth=}): a stack that long may have lost its program
     *               frames below the cut, so it is the JDK's only if a holder frame says so
     * @return true if the JDK opened the handle for itself
     */
    static boolean isRuntime(List<StackTraceElement> frames, int depth) {
        for (StackTraceElement e : frames) {
            if (e.getClassName().equals(PROGRAMS_LOADER)) {
                return false; // its jars are opened under jdk.internal.loader frames, like the class path's
            }
        }
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
            if (!dev.jhtrace.agent.report.LeakSites.isJdk(cls)) {
                programFrame = true;
            }
        }
        return !programFrame && frames.size() < depth;
    }
}
