package dev.jhtrace.agent.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a report's leaks as collapsed stacks, one line per distinct open stack: {@code frame;frame;frame count},
 * outermost frame first, for flamegraph.pl, speedscope and the HTML report's flame graph. The last frame of a line
 * is the handle's kind in brackets ({@code [FILE]}), so that one stack that opened files and sockets splits by kind;
 * a reclaimed leak's line starts with {@code [reclaimed by the GC]}.
 */
public final class CollapsedStacksWriter {
    /** The root frame of the lines of reclaimed leaks. */
    static final String RECLAIMED_ROOT = "[reclaimed by the GC]";

    private CollapsedStacksWriter() {}

    /** One line: its frames, outermost first, and how many handles it stands for. */
    record Line(List<String> frames, int count) {}

    /**
     * @param r the report
     * @return its collapsed stacks, the most handles first
     */
    public static String write(LeakReport r) {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines(r)) {
            sb.append(String.join(";", l.frames()))
                    .append(' ')
                    .append(l.count())
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * @param r the report
     * @return its open and reclaimed leaks by stack and kind, the most first
     */
    static List<Line> lines(LeakReport r) {
        Map<List<String>, int[]> counts = new LinkedHashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            for (HandleView h : pass == 0 ? r.openHandles() : r.reclaimed()) {
                List<String> frames = new ArrayList<>(h.stack().size() + 2);
                if (pass == 1) {
                    frames.add(RECLAIMED_ROOT);
                }
                for (int i = h.stack().size() - 1; i >= 0; i--) {
                    frames.add(name(LeakSites.frame(h.stack().get(i))));
                }
                frames.add("[" + h.kind() + "]");
                int[] n = counts.get(frames); // not computeIfAbsent's lambda: a class spun at run time, at exit
                if (n == null) {
                    n = new int[1];
                    counts.put(frames, n);
                }
                n[0]++;
            }
        }
        List<Line> lines = new ArrayList<>(counts.size());
        for (Map.Entry<List<String>, int[]> e : counts.entrySet()) {
            lines.add(new Line(e.getKey(), e.getValue()[0]));
        }
        lines.sort(MOST_FIRST);
        return lines;
    }

    /** Lines by count, the most first. A class, not a lambda: see CONTRIBUTING.md on what the exit avoids. */
    private static final java.util.Comparator<Line> MOST_FIRST = new MostFirst();

    private static final class MostFirst implements java.util.Comparator<Line> {
        @Override
        public int compare(Line a, Line b) {
            return Integer.compare(b.count(), a.count());
        }
    }

    /** @return a frame that cannot break the format: no ';' (the separator) and no control characters */
    static String name(String frame) {
        return Escapes.printable(frame).replace(';', ',');
    }
}
