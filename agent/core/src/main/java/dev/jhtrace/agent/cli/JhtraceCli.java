package dev.jhtrace.agent.cli;

import java.io.PrintStream;

/**
 * {@code java -jar jhtrace.jar}: the debugger side. This version answers {@code -?}; attaching to a running
 * JVM ({@code <pid> -enable}, {@code -snapshot}, {@code -diff}, ...) is not built yet.
 */
public final class JhtraceCli {
    private JhtraceCli() {
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("-?") || args[0].equals("-h") || args[0].equals("--help")) {
            help(System.out);
            return;
        }
        System.err.println("jhtrace: attaching to a running JVM is not available in this version; "
                + "start the JVM with -javaagent:jhtrace.jar=report=leaks.txt instead (see jhtrace -?)");
        System.exit(2);
    }

    static void help(PrintStream out) {
        out.println("jhtrace - !htrace for the JVM: stack traces of every file descriptor opened, closed or misused");
        out.println();
        out.println("As an agent (from JVM start):");
        out.println("  java -javaagent:jhtrace.jar[=report=PATH,format=txt|json|html,max=N,internal=true] ...");
        out.println("     report=PATH  write the leak report at shutdown (%p = pid, %t = timestamp)");
        out.println("     max=N        trace database capacity (default 16384)");
        out.println();
        out.println("Debugger side (not available in this version):");
        out.println("  jhtrace <pid> [Handle [Max_Traces]]   jhtrace <pid> -enable [Max_Traces]");
        out.println("  jhtrace <pid> -snapshot | -diff | -disable     jhtrace list     jhtrace -?");
    }
}
