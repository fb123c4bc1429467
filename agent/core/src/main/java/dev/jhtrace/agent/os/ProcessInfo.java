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

    /**
     * The command line as {@code ProcessHandle.Info.commandLine()} gives it (the executable's path, then the arguments,
     * separated by spaces), read from {@code /proc/self/exe} and {@code /proc/self/cmdline}: {@code ProcessHandle}'s
     * info initialises the JDK's process machinery, 5-10 ms of the report every JVM with {@code report=} writes at exit.
     * Where the JDK's differs: it reads one page of {@code cmdline} (a longer command line is cut there, here it is
     * whole) and stops at an empty argument (kept here, as an empty word).
     *
     * @return the command line, as the OS reports it, or the {@code sun.java.command} property
     */
    public static String commandLine() {
        try {
            String exe = java.nio.file.Files.readSymbolicLink(java.nio.file.Paths.get("/proc/self/exe"))
                    .toString();
            byte[] raw;
            try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/self/cmdline")) {
                raw = in.readAllBytes();
            }
            String line = commandLine(exe, raw);
            if (line != null) {
                return line;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc: the JDK's way below
        }
        return ProcessHandle.current()
                .info()
                .commandLine()
                .orElse("java " + System.getProperty("sun.java.command", ""));
    }

    /**
     * @param exe     the executable's path
     * @param cmdline the arguments, each ended by a NUL byte (the first is the program's name as it was run)
     * @return the path and the arguments after the first, separated by spaces; null without a first argument
     */
    static String commandLine(String exe, byte[] cmdline) {
        java.nio.charset.Charset cs = StartEnvironment.nativeEncoding(); // as the JDK decodes it (sun.jnu.encoding)
        StringBuilder sb = new StringBuilder(exe);
        int start = 0;
        boolean first = true;
        for (int i = 0; i <= cmdline.length; i++) {
            if (i == cmdline.length ? i > start : cmdline[i] == 0) {
                if (!first) {
                    sb.append(' ').append(new String(cmdline, start, i - start, cs));
                }
                first = false;
                start = i + 1;
            }
        }
        return first ? null : sb.toString();
    }
}
