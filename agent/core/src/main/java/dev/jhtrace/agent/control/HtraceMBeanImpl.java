package dev.jhtrace.agent.control;

import dev.jhtrace.agent.AgentLog;
import dev.jhtrace.agent.AgentThreads;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Implements {@link HtraceMXBean} over the same {@link CommandProcessor} as the control channel. */
public final class HtraceMBeanImpl implements HtraceMXBean {
    /** The MBean's name. */
    static final String NAME = "dev.jhtrace:type=Htrace";

    /** Set when the control channel is on: the MBean to register in the platform MBean server once it exists. */
    private static volatile HtraceMBeanImpl pending;

    private final CommandProcessor processor;
    private volatile boolean registered;

    /**
     * Makes this the MBean registered once the platform MBean server exists ({@link #platformServerCreated}).
     *
     * @return this
     */
    public HtraceMBeanImpl registerWhenPlatformServerExists() {
        pending = this;
        return this;
    }

    /**
     * The hook on the creation of the platform MBean server (the JDK's {@code ManagementFactory}) calls this.
     *
     * @param server the new platform MBean server
     */
    public static void platformServerCreated(Object server) {
        HtraceMBeanImpl m = pending;
        if (m != null) {
            m.register(server);
        }
    }

    /** @param processor runs the operations' commands */
    public HtraceMBeanImpl(CommandProcessor processor) {
        this.processor = processor;
    }

    @Override
    public String execute(String command) {
        AtomicReference<String> answer = new AtomicReference<>();
        AgentThreads.runAsAgent(() -> {
            try {
                List<String> words = command == null || command.isBlank()
                        ? List.of()
                        : Arrays.asList(command.trim().split("\\s+"));
                CommandProcessor.Result r = processor.execute(HtraceCommand.parse(words));
                answer.set(r.ok() ? r.text() : "error: " + r.text());
            } catch (RuntimeException e) {
                answer.set("error: " + e.getMessage());
            }
        });
        return answer.get();
    }

    /**
     * Registers the MBean in {@code server}, once. Called when the application (or the JDK's management agent,
     * when JConsole attaches) first creates the platform MBean server, so that a JVM that never uses JMX pays
     * nothing for it and the agent starts no thread of its own for it.
     *
     * @param server the platform MBean server
     */
    public synchronized void register(Object server) {
        if (!(server instanceof MBeanServer) || registered) {
            return;
        }
        registered = true;
        try {
            ((MBeanServer) server).registerMBean(this, new ObjectName(NAME));
        } catch (Exception | LinkageError e) {
            AgentLog.once("mbean", "jhtrace: MBean " + NAME + " not registered: " + e);
        }
    }
}
