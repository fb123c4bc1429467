package dev.jhtrace.agent.os;

/** Facts about this process for report headers. */
public final class ProcessInfo {
    private ProcessInfo() {}

    private static long pid;

    /**
     * This process's id, read from {@code /proc/self}: {@code ProcessHandle.current()} would initialise the JDK's
     * process machinery (a reaper thread pool) in the agent's start-up, for one number.
     *
     * @return the pid
     */
    public static long pid() {
        long p = pid;
        if (p == 0) {
            try {
                p = Long.parseLong(java.nio.file.Files.readSymbolicLink(java.nio.file.Paths.get("/proc/self"))
                        .toString());
            } catch (java.io.IOException | RuntimeException e) {
                p = ProcessHandle.current().pid();
            }
            pid = p;
        }
        return p;
    }

    /** @return the command line, as the OS reports it, or the {@code sun.java.command} property */
    public static String commandLine() {
        return ProcessHandle.current()
                .info()
                .commandLine()
                .orElse("java " + System.getProperty("sun.java.command", ""));
    }
}
