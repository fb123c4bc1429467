package dev.jhtrace.agent.control;

import java.util.Map;

/**
 * The {@code !htrace} commands and the open-handle figures for JConsole, VisualVM, JMC and JMX exporters (the
 * Prometheus JMX exporter, for one), registered as {@code dev.jhtrace:type=Htrace}.
 *
 * <p>The figures count the program's handles as a report does (the JVM's own are left out, suppressed ones too); they
 * are computed at most once a second, however often they are read.
 */
public interface HtraceMXBean {
    /**
     * @param command the words the CLI takes after the pid: {@code -enable 1000}, {@code -snapshot}, {@code -diff},
     *                {@code 0x1C 5}, {@code -disable}, optionally {@code --format json}
     * @return the answer, or {@code error: <reason>}
     */
    String execute(String command);

    /** @return whether tracing is on */
    boolean isEnabled();

    /** @return the program's open handles, as the shutdown report would list them now */
    int getOpenHandles();

    /** @return the same by kind: FILE, SOCKET, PIPE, ... (kinds with none are left out) */
    Map<String, Integer> getOpenHandlesByKind();

    /** @return events lost because the ring was full, since the agent started */
    long getDroppedEvents();

    /** @return the ten leak sites with the most open handles, as {@code count site}, the most first */
    String[] getTopSites();
}
