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
 * closes it. A connection HttpURLConnection opened is the JDK's only while its keep-alive cache holds it idle
 * ({@link KeepAliveConnections}): one whose response the program neither read to the end nor closed is the program's.
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
        "jdk.internal.net.http.",
    };

    /** Frames of HttpURLConnection's client: the connection is the JDK's while idle in its keep-alive cache. */
    private static final String KEEP_ALIVE_CLIENT = "sun.net.www.http.HttpClient";

    /** Who keeps a handle open, by its open stack. */
    enum Owner {
        /** the program: a leak if still open */
        PROGRAM,
        /** the JDK, for itself */
        JDK,
        /** the JDK while its keep-alive cache holds the connection idle, else the program */
        KEEP_ALIVE_CACHE
    }

    /** A frame of this class means a class loader the program made (the JDK's own are not URLClassLoaders). */
    private static final String PROGRAMS_LOADER = "java.net.URLClassLoader";

    private RuntimeHandles() {}

    /**
     * @param frames an open stack, innermost first
     * @param depth  the most frames a stack keeps ({@code depth=}): a stack that long may have lost its program
     *               frames below the cut, so it is the JDK's only if a holder frame says so
     * @return who keeps the handle open
     */
    static Owner owner(List<StackTraceElement> frames, int depth) {
        for (StackTraceElement e : frames) {
            if (e.getClassName().equals(PROGRAMS_LOADER)) {
                return Owner.PROGRAM; // its jars are opened under jdk.internal.loader frames, like the class path's
            }
        }
        boolean programFrame = false;
        for (StackTraceElement e : frames) {
            String cls = e.getClassName();
            if (cls.startsWith(KEEP_ALIVE_CLIENT)) {
                return Owner.KEEP_ALIVE_CACHE;
            }
            for (String h : HOLDERS) {
                int hash = h.indexOf('#');
                if (hash < 0
                        ? cls.startsWith(h)
                        : cls.equals(h.substring(0, hash)) && e.getMethodName().equals(h.substring(hash + 1))) {
                    return Owner.JDK;
                }
            }
            if (!dev.jhtrace.agent.report.LeakSites.isJdk(cls)) {
                programFrame = true;
            }
        }
        return !programFrame && frames.size() < depth ? Owner.JDK : Owner.PROGRAM;
    }
}
