package dev.jhtrace.agent.control;

import dev.jhtrace.agent.AgentLog;
import dev.jhtrace.agent.AgentThreads;
import dev.jhtrace.agent.Tracer;
import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.LeakSites;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Implements {@link HtraceMXBean} over the same {@link CommandProcessor} as the control channel. */
public final class HtraceMBeanImpl implements HtraceMXBean {
    /** The MBean's name. */
    static final String NAME = "dev.jhtrace:type=Htrace";

    /** How long one look at the open handles serves the attributes: a console reads them all every few seconds. */
    private static final long FIGURES_MILLIS = 1_000;

    private static final long TIMEOUT_MILLIS = 5_000;

    /** Set when the control channel is on: the MBean to register in the platform MBean server once it exists. */
    private static volatile HtraceMBeanImpl pending;

    private final CommandProcessor processor;
    private final Tracer tracer;
    private volatile boolean registered;

    /** The last look at the open handles, and when it was taken (nanoTime). */
    private record Figures(long takenNanos, List<HandleView> open) {}

    private volatile Figures figures;

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

    /**
     * @param processor runs the operations' commands
     * @param tracer    the tracing session, for the attributes
     */
    public HtraceMBeanImpl(CommandProcessor processor, Tracer tracer) {
        this.processor = processor;
        this.tracer = tracer;
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

    @Override
    public boolean isEnabled() {
        return tracer.capture().isEnabled();
    }

    @Override
    public int getOpenHandles() {
        return open().size();
    }

    @Override
    public Map<String, Integer> getOpenHandlesByKind() {
        Map<String, Integer> byKind = new TreeMap<>();
        for (HandleView h : open()) {
            byKind.merge(h.kind(), 1, Integer::sum);
        }
        return byKind;
    }

    @Override
    public long getDroppedEvents() {
        return tracer.dropped();
    }

    @Override
    public String[] getTopSites() {
        List<LeakSites.Site> sites = LeakSites.of(open(), List.of());
        String[] top = new String[Math.min(10, sites.size())];
        for (int i = 0; i < top.length; i++) {
            top[i] = sites.get(i).count() + " " + sites.get(i).site();
        }
        return top;
    }

    /** @return the program's open handles, looked at once a second at most; none while tracing is off */
    private List<HandleView> open() {
        if (!tracer.capture().isEnabled()) {
            return List.of();
        }
        Figures f = figures;
        long now = System.nanoTime();
        if (f != null && now - f.takenNanos() < FIGURES_MILLIS * 1_000_000) {
            return f.open();
        }
        Figures last = figures;
        AtomicReference<List<HandleView>> open = new AtomicReference<>(last != null ? last.open() : List.of());
        AgentThreads.runAsAgent(() -> {
            try {
                List<HandleView> h = tracer.programHandles(TIMEOUT_MILLIS);
                if (h != null) {
                    open.set(h); // else the analyzer did not answer in time: the last figures stand
                }
            } catch (RuntimeException e) {
                // no descriptor to list /proc/self/fd with: the last figures stand
            }
        });
        figures = new Figures(now, open.get());
        return open.get();
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
            ((MBeanServer) server).registerMBean(new DescribedMBean(this), new ObjectName(NAME));
        } catch (Exception | LinkageError e) {
            AgentLog.once("mbean", "jhtrace: MBean " + NAME + " not registered: " + e);
        }
    }
}
