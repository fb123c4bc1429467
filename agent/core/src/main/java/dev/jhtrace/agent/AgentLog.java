package dev.jhtrace.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output channel while it runs inside an application: one line on stderr, never stdout,
 * and never through the application's logging framework.
 */
public final class AgentLog {
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private AgentLog() {}

    /** @param line a complete one-line message */
    public static void warn(String line) {
        System.err.println(line);
    }

    /**
     * Prints {@code line} the first time {@code key} is seen.
     *
     * @param key  what the message is about
     * @param line the message
     */
    public static void once(String key, String line) {
        if (SAID.add(key)) {
            warn(line);
        }
    }
}
