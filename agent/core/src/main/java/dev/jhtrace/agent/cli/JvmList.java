package dev.jhtrace.agent.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;

/** {@code jhtrace list}: the JVMs of this user, and whether each has jhtrace enabled. */
final class JvmList {
    /** The most {@code list} waits for one JVM's status: a stopped JVM shows as {@code ?}, it does not hold up the rest. */
    static final long TIMEOUT_MILLIS = 2_000;

    private JvmList() {}

    static int print(PrintStream out, long timeoutMillis) {
        List<VirtualMachineDescriptor> vms = VirtualMachine.list();
        vms.sort(Comparator.comparingLong(d -> parse(d.id())));
        out.printf("%-8s %-9s %s%n", "PID", "JHTRACE", "MAIN");
        long self = ProcessHandle.current().pid();
        for (VirtualMachineDescriptor d : vms) {
            long pid = parse(d.id());
            if (pid == self || pid == Long.MAX_VALUE) {
                continue;
            }
            out.printf("%-8s %-9s %s%n", d.id(), status(pid, timeoutMillis), Terminal.printable(d.displayName()));
        }
        return 0;
    }

    private static String status(long pid, long timeoutMillis) {
        try {
            Target t = Target.check(pid, timeoutMillis);
            if (!t.hasAgent()) {
                return "off";
            }
            String answer = t.send(dev.jhtrace.agent.control.HtraceCommand.parse(List.of("-status")));
            return answer.contains("tracing enabled") ? "enabled" : "disabled";
        } catch (Target.Refused | Target.OtherUser | RuntimeException e) {
            return "?";
        }
    }

    private static long parse(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
