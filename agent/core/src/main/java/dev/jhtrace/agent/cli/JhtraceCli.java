package dev.jhtrace.agent.cli;

import dev.jhtrace.agent.control.HtraceCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar jhtrace.jar}: the debugger side of {@code !htrace}. Parses the command line, checks the
 * target, loads the agent into it once if needed ({@code -enable}), and sends the command over the control
 * channel. Exit status: 0 on success, 1 when the target refuses or cannot be reached, 2 for bad input.
 */
public final class JhtraceCli {
    private JhtraceCli() {}

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
    static int run(List<String> arguments, PrintStream out, PrintStream err) {
        List<String> args = new java.util.ArrayList<>(arguments);
        long timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
        int t = args.indexOf("--timeout");
        if (t >= 0) {
            try {
                timeoutMillis = Math.multiplyExact(Long.parseLong(args.get(t + 1)), 1000L);
                if (timeoutMillis <= 0) {
                    throw new NumberFormatException();
                }
            } catch (RuntimeException e) {
                err.println("jhtrace: --timeout needs a number of seconds (see jhtrace -?)");
                return 2;
            }
            args.remove(t + 1);
            args.remove(t);
        }
        if (args.isEmpty() || List.of("-?", "-h", "--help", "help").contains(args.get(0))) {
            help(out);
            return args.isEmpty() ? 2 : 0;
        }
        if (args.get(0).equals("check")) {
            return CheckCommand.run(args.subList(1, args.size()), out, err);
        }
        if (args.get(0).equals("agentpath")) {
            return AgentPathCommand.run(args.subList(1, args.size()), out, err);
        }
        if (args.get(0).equals("list")) {
            return JvmList.print(out, Math.min(timeoutMillis, JvmList.TIMEOUT_MILLIS));
        }
        long pid;
        try {
            pid = Long.parseLong(args.get(0));
            if (pid <= 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("jhtrace: not a process id: '" + Terminal.printable(args.get(0)) + "' (see jhtrace -?)");
            return 2;
        }
        HtraceCommand command;
        try {
            command = HtraceCommand.parse(args.subList(1, args.size()));
        } catch (IllegalArgumentException e) {
            err.println("jhtrace: " + Terminal.printable(e.getMessage()));
            return 2;
        }
        try {
            Target target = Target.check(pid, timeoutMillis);
            String answer = target.send(command);
            out.print(answer);
            out.flush();
            return 0;
        } catch (Target.Refused e) {
            err.println("jhtrace: " + Terminal.printable(e.getMessage()));
            return 1;
        } catch (Target.OtherUser u) {
            return AsUser.run(u.uid, u.gid, arguments, err);
        }
    }

    /** How long the CLI waits for a target's answer unless {@code --timeout} says otherwise. */
    static final long DEFAULT_TIMEOUT_MILLIS = 60_000;

    static void help(PrintStream out) {
        out.println("jhtrace - !htrace for the JVM: stack traces of every file descriptor opened, closed or misused");
        out.println();
        out.println(
                "Debugger side (a JVM of your own user, or as root any user's, started with or without the agent):");
        out.println("  jhtrace <pid> -enable [Max_Traces]   load the agent if needed, enable tracing, take a snapshot");
        out.println("  jhtrace <pid> -snapshot              take a snapshot");
        out.println("  jhtrace <pid> -diff                  handles opened since the last snapshot and still open");
        out.println(
                "  jhtrace <pid> [Handle [Max_Traces]]  traces of one handle (hex, like 0x1C; 0 or omitted: all), newest first");
        out.println("  jhtrace <pid> -disable               stop tracing and free the trace database");
        out.println(
                "  jhtrace list                         running JVMs of this user, and whether jhtrace is enabled in each");
        out.println(
                "  jhtrace check REPORT.json|DIR [--max N] [--suppress FILE]  CI gate: merge JSON reports by leak site,");
        out.println(
                "                                       exit 1 if they hold more than N leaks (default 0), 2 on bad input");
        out.println(
                "  jhtrace agentpath [OPTIONS] [--extract DIR]  print the native start's flag, -agentpath:.../libjhtrace.so");
        out.println("  jhtrace -?                           this help");
        out.println(
                "  Add --format json to a query for the JSON report form, --timeout SECONDS to wait longer than 60 s.");
        out.println(
                "  -enable also takes agent options: jhtrace <pid> -enable [Max_Traces] report=/tmp/leaks-%p.json,depth=32");
        out.println();
        out.println("As an agent, from JVM start:");
        out.println(
                "  java -javaagent:jhtrace.jar[=report=PATH,format=txt|json|html,max=N,traces=bad|all|none,internal=true] ...");
        out.println("     report=PATH  write the leak report at shutdown (%p = pid, %t = timestamp)");
        out.println("     threshold=N  also write one when the program's open handles first exceed N");
        out.println("     suppress=F   leave handles matching F's frame or path patterns out of reports");
        out.println("     max=N        trace database capacity (default 16384)");
        out.println(
                "  java \"$(java -jar jhtrace.jar agentpath [OPTIONS])\" ...   the same without java.instrument: the JVM keeps");
        out.println("     its archived module graph and starts faster (the native start)");
    }
}
