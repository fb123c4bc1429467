package dev.jhtrace.agent.control;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.StandardMBean;

/**
 * The Htrace MXBean with what JConsole and VisualVM show beside each member: what it is, and the command syntax on
 * the operation (its parameter is {@code command}, not the {@code p0} a plain MXBean gets).
 */
final class DescribedMBean extends StandardMBean {
    DescribedMBean(HtraceMXBean implementation) {
        super(implementation, HtraceMXBean.class, true);
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return "jhtrace, !htrace for the JVM: stack traces of every file descriptor opened, closed or misused";
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return switch (info.getName()) {
            case "Enabled" -> "Whether tracing is on (-enable, -disable)";
            case "OpenHandles" ->
                "The program's open handles, as the shutdown report would list them now (the JVM's"
                        + " own and suppressed ones left out); refreshed at most once a second";
            case "OpenHandlesByKind" -> "The program's open handles by kind: FILE, SOCKET, PIPE, EPOLL, ...";
            case "DroppedEvents" -> "Events lost because the ring was full (reports mark what they cannot vouch for)";
            case "TopSites" -> "The ten leak sites with the most open handles: 'count class.method(File.java:line)'";
            default -> super.getDescription(info);
        };
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return "Runs an !htrace command, as the CLI does after the pid: -enable [Max_Traces] [k=v,...] | -snapshot |"
                + " -diff | [Handle [Max_Traces]] | -disable; add --format json for the JSON form";
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return "command";
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return "for example: -diff --format json, or 0x1C 5 (the traces of handle 0x1C, at most 5)";
    }
}
