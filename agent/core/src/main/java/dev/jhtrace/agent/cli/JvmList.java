package dev.jhtrace.agent.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;

/** {@code jhtrace list}: the JVMs of this user, and whether each has jhtrace enabled. */
final class JvmList {
    private JvmList() {
    }

    static int print(PrintStream out, PrintStream err) {
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException e) {
            err.println("jhtrace: cannot read /proc/self: " + e.getMessage());
            return 1;
        }
        List<VirtualMachineDescriptor> vms = VirtualMachine.list();
        vms.sort(Comparator.comparingLong(d -> parse(d.id())));
        out.printf("%-8s %-9s %s%n", "PID", "JHTRACE", "MAIN");
        long self = ProcessHandle.current().pid();
        for (VirtualMachineDescriptor d : vms) {
            if (parse(d.id()) == self) {
                continue;
            }
            boolean agent = Files.exists(Paths.get("/tmp", ".jhtrace-" + uid, d.id() + ".sock"));
            out.printf("%-8s %-9s %s%n", d.id(), agent ? status(d.id()) : "off", d.displayName());
        }
        return 0;
    }

    private static String status(String pid) {
        try {
            String answer = Target.check(Long.parseLong(pid)).send(dev.jhtrace.agent.HtraceCommand.parse(List.of("-status")));
            return answer.contains("tracing enabled") ? "enabled" : "disabled";
        } catch (Target.Refused | RuntimeException e) {
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
