package dev.jhtrace.agent.report;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads back what a JSON report (docs/report-formats.md) says leaked: its open and reclaimed handles with their
 * stacks, and the counts that say how far it can be trusted. For {@code jhtrace check}, which gates a build on
 * reports written by other JVMs.
 */
public final class JsonReportReader {
    private JsonReportReader() {}

    /**
     * One report's leaks.
     *
     * @param pid        the process that wrote it
     * @param open       handles open when it was written
     * @param reclaimed  handles the GC closed
     * @param dropped    events it lost (its leaks may be incomplete)
     * @param lost       open descriptors it could not vouch for
     * @param suppressed leaks its agent's {@code suppress=} left out
     */
    public record Leaks(
            long pid, List<HandleView> open, List<HandleView> reclaimed, long dropped, long lost, long suppressed) {}

    /** Thrown for JSON that is not a jhtrace report; the message says what is missing. */
    public static final class NotAReport extends Exception {
        NotAReport(String message) {
            super(message);
        }
    }

    /**
     * @param json a report's text
     * @return its leaks
     * @throws JsonReader.Malformed if it is not JSON
     * @throws NotAReport           if it is JSON but not a jhtrace report
     */
    public static Leaks read(String json) throws JsonReader.Malformed, NotAReport {
        Object root = JsonReader.parse(json);
        if (!(root instanceof Map<?, ?> report)
                || !(report.get("stats") instanceof Map<?, ?> stats)
                || !(report.get("openHandles") instanceof List<?> open)
                || !(report.get("pid") instanceof Long pid)) {
            throw new NotAReport("not a jhtrace report (no pid, stats and openHandles)");
        }
        List<?> reclaimed = report.get("reclaimed") instanceof List<?> l ? l : List.of();
        return new Leaks(
                pid,
                handles(open, "openHandles"),
                handles(reclaimed, "reclaimed"),
                count(stats, "dropped"),
                count(stats, "lost"),
                count(stats, "suppressed"));
    }

    private static long count(Map<?, ?> stats, String key) {
        return stats.get(key) instanceof Long n ? n : 0;
    }

    private static List<HandleView> handles(List<?> entries, String key) throws NotAReport {
        List<HandleView> views = new ArrayList<>(entries.size());
        for (Object e : entries) {
            if (!(e instanceof Map<?, ?> h) || !(h.get("stack") instanceof List<?> stack)) {
                throw new NotAReport("an entry of " + key + " has no stack");
            }
            views.add(new HandleView(
                    h.get("handle") instanceof Long n ? n.intValue() : -1,
                    h.get("generation") instanceof Long g ? g : 0,
                    text(h.get("kind"), "UNKNOWN"),
                    text(h.get("description"), null),
                    text(h.get("thread"), "?"),
                    instant(h.get("openedAt")),
                    frames(stack, key)));
        }
        return views;
    }

    private static List<StackTraceElement> frames(List<?> stack, String key) throws NotAReport {
        List<StackTraceElement> frames = new ArrayList<>(stack.size());
        for (Object f : stack) {
            if (!(f instanceof Map<?, ?> frame)) {
                throw new NotAReport("a frame of " + key + " is not an object");
            }
            if (frame.get("native") instanceof String n) {
                frames.add(new StackTraceElement(NativeFrame.CLASS_NAME, n, null, -1));
            } else if (frame.get("class") instanceof String cls && frame.get("method") instanceof String method) {
                int line = frame.get("line") instanceof Long l ? l.intValue() : -1;
                frames.add(new StackTraceElement(cls, method, text(frame.get("file"), null), line));
            } else {
                throw new NotAReport("a frame of " + key + " has neither class and method nor native");
            }
        }
        return List.copyOf(frames);
    }

    private static String text(Object v, String otherwise) {
        return v instanceof String s ? s : otherwise;
    }

    private static long instant(Object v) {
        if (v instanceof String s) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException bad) {
                return 0;
            }
        }
        return 0;
    }
}
