package dev.jhtrace.agent;

/** Facts about this process for report headers. */
final class ProcessInfo {
    private ProcessInfo() {
    }

    /** @return the command line, as the OS reports it, or the {@code sun.java.command} property */
    static String commandLine() {
        return ProcessHandle.current().info().commandLine()
                .orElse("java " + System.getProperty("sun.java.command", ""));
    }
}
