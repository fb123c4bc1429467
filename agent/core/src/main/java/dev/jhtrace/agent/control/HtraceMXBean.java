package dev.jhtrace.agent.control;

/**
 * The {@code !htrace} commands for JConsole, VisualVM and JMC users, registered as {@code dev.jhtrace:type=Htrace}.
 */
public interface HtraceMXBean {
    /**
     * @param command the words the CLI takes after the pid: {@code -enable 1000}, {@code -snapshot}, {@code -diff},
     *                {@code 0x1C 5}, {@code -disable}, optionally {@code --format json}
     * @return the answer, or {@code error: <reason>}
     */
    String execute(String command);
}
