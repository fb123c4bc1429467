package dev.jhtrace.agent.cli;

import dev.jhtrace.agent.HtraceCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar jhtrace.jar}: the debugger side of {@code !htrace}. Parses the command line, checks the
 * target, loads the agent into it once if needed ({@code -enable}), and sends the command over the control
 * channel. Exit status: 0 on success, 1 when the target refuses or cannot be reached, 2 for bad input.
 */
public final class JhtraceCli {
    private JhtraceCli() {
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /**
     * @param args command-line arguments
     * @param out  where answers go
     * @param err  where errors go
     * @return the exit status
     */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || List.of("-?", "-h", "--help", "help").contains(args.get(0))) {
            help(out);
            return args.isEmpty() ? 2 : 0;
        }
        if (args.get(0).equals("list")) {
            return JvmList.print(out, err);
        }
        long pid;
        try {
            pid = Long.parseLong(args.get(0));
            if (pid <= 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("jhtrace: not a process id: '" + args.get(0) + "' (see jhtrace -?)");
            return 2;
        }
        HtraceCommand command;
        try {
            command = HtraceCommand.parse(args.subList(1, args.size()));
        } catch (IllegalArgumentException e) {
            err.println("jhtrace: " + e.getMessage());
            return 2;
        }
        try {
            Target target = Target.check(pid);
            String answer = target.send(command);
            out.print(answer);
            out.flush();
            return 0;
        } catch (Target.Refused e) {
            err.println("jhtrace: " + e.getMessage());
            return 1;
        }
    }

    static void help(PrintStream out) {
        out.println("jhtrace - !htrace for the JVM: stack traces of every file descriptor opened, closed or misused");
        out.println();
        out.println("Debugger side (a JVM of your own user, started with or without the agent):");
        out.println("  jhtrace <pid> -enable [Max_Traces]   load the agent if needed, enable tracing, take a snapshot");
        out.println("  jhtrace <pid> -snapshot              take a snapshot");
        out.println("  jhtrace <pid> -diff                  handles opened since the last snapshot and still open");
        out.println("  jhtrace <pid> [Handle [Max_Traces]]  traces of one handle (hex, like 0x1C; 0 or omitted: all), newest first");
        out.println("  jhtrace <pid> -disable               stop tracing and free the trace database");
        out.println("  jhtrace list                         running JVMs of this user, and whether jhtrace is enabled in each");
        out.println("  jhtrace -?                           this help");
        out.println("  Add --format json to a query for the JSON report form.");
        out.println();
        out.println("As an agent, from JVM start:");
        out.println("  java -javaagent:jhtrace.jar[=report=PATH,format=txt|json|html,max=N,traces=bad|all|none,internal=true] ...");
        out.println("     report=PATH  write the leak report at shutdown (%p = pid, %t = timestamp)");
        out.println("     max=N        trace database capacity (default 16384)");
    }
}
