package dev.jhtrace.agent.control;

import dev.jhtrace.agent.AgentOptions;
import dev.jhtrace.agent.report.ReportFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code !htrace} command, parsed from the words after the pid ({@code -enable 0x100}, {@code 1C 5},
 * {@code -diff --format json}). The CLI parses it to reject bad input before touching the target; the agent
 * parses the same words again when they arrive over the control channel or the MBean.
 *
 * @param op        what to do
 * @param handle    for {@link Op#TRACES}: the handle, 0 for all
 * @param maxTraces Max_Traces, or -1 when not given
 * @param format    the answer's form: {@link ReportFormat#TXT} (the default) or {@link ReportFormat#JSON}
 * @param options   for {@link Op#ENABLE}: agent options ({@code k=v,k=v}, as after {@code -javaagent:jhtrace.jar=}), or ""
 */
public record HtraceCommand(Op op, int handle, int maxTraces, ReportFormat format, String options) {
    /** How {@link #words} carries agent options over the channel: hex of their UTF-8, so that any byte survives. */
    private static final String OPTIONS_WORD = "options:";

    /** The commands. */
    public enum Op {
        /** {@code -enable [Max_Traces]}. */
        ENABLE,
        /** {@code -snapshot}. */
        SNAPSHOT,
        /** {@code -diff}. */
        DIFF,
        /** {@code -disable}. */
        DISABLE,
        /** {@code [Handle [Max_Traces]]}. */
        TRACES,
        /** {@code -status}: whether tracing is on (used by {@code jhtrace list}). */
        STATUS
    }

    /**
     * @param words the command's words
     * @return the command
     * @throws IllegalArgumentException with a one-line reason for bad input
     */
    public static HtraceCommand parse(List<String> words) {
        List<String> w = new ArrayList<>(words);
        ReportFormat format = ReportFormat.TXT;
        for (int i = 0; i < w.size(); i++) {
            if (w.get(i).equals("--format")) {
                if (i + 1 >= w.size()) {
                    throw new IllegalArgumentException("--format needs a value: text or json");
                }
                String f = w.get(i + 1).toLowerCase(Locale.ROOT);
                if (!f.equals("json") && !f.equals("text")) {
                    throw new IllegalArgumentException("unknown format '" + w.get(i + 1) + "' (expected text or json)");
                }
                format = ReportFormat.named(f);
                w.remove(i + 1);
                w.remove(i);
                i--;
            }
        }
        if (w.isEmpty()) {
            return new HtraceCommand(Op.TRACES, 0, Integer.MAX_VALUE, format, "");
        }
        String first = w.get(0);
        if (first.startsWith("-")) {
            Op op = switch (first.toLowerCase(Locale.ROOT)) {
                case "-enable" -> Op.ENABLE;
                case "-snapshot" -> Op.SNAPSHOT;
                case "-diff" -> Op.DIFF;
                case "-disable" -> Op.DISABLE;
                case "-status" -> Op.STATUS;
                default -> throw new IllegalArgumentException("unknown command '" + first + "' (see jhtrace -?)");
            };
            int max = -1;
            String options = "";
            int next = 1;
            if (op == Op.ENABLE && next < w.size() && !isOptions(w.get(next))) {
                max = count(w.get(next++));
            }
            if (op == Op.ENABLE && next < w.size()) {
                options = options(w.get(next++));
                max = maxTraces(max, options);
            }
            if (next < w.size()) {
                throw new IllegalArgumentException("unexpected '" + w.get(next) + "' after " + first);
            }
            return new HtraceCommand(op, 0, max, format, options);
        }
        if (w.size() > 2) {
            throw new IllegalArgumentException("unexpected '" + w.get(2) + "': the form is [Handle [Max_Traces]]");
        }
        int handle = handle(first);
        int max = w.size() == 2 ? count(w.get(1)) : Integer.MAX_VALUE;
        return new HtraceCommand(Op.TRACES, handle, max, format, "");
    }

    private static boolean isOptions(String word) {
        return word.contains("=") || word.startsWith(OPTIONS_WORD);
    }

    /** @return the agent options of a word (as typed, or as {@link #words} encodes them), checked */
    private static String options(String word) {
        String text = word;
        if (word.startsWith(OPTIONS_WORD)) {
            String hex = word.substring(OPTIONS_WORD.length());
            if (hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("malformed options word");
            }
            byte[] bytes = new byte[hex.length() / 2];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } else if (!word.contains("=")) {
            throw new IllegalArgumentException("unexpected '" + word + "' after -enable (agent options are k=v,k=v)");
        }
        try {
            AgentOptions.parse(text);
        } catch (AgentOptions.BadOption e) {
            throw new IllegalArgumentException("bad agent option: " + e.getMessage());
        }
        return text;
    }

    /** Max_Traces given both ways must agree: {@code -enable 100 max=100} is fine, {@code -enable 100 max=5} is not. */
    private static int maxTraces(int given, String options) {
        int max = -1;
        for (String item : options.split(",")) {
            if (item.trim().startsWith("max=")) {
                max = count(item.trim().substring(4).trim()); // the last one counts, as for the agent's own parsing
            }
        }
        if (max >= 0 && given >= 0 && given != max) {
            throw new IllegalArgumentException("Max_Traces " + given + " and max=" + max + " disagree");
        }
        return max >= 0 ? max : given;
    }

    /**
     * @param text a handle as WinDbg takes it: hexadecimal, with or without {@code 0x}
     * @return its value
     */
    public static int handle(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        String digits = t.startsWith("0x") ? t.substring(2) : t;
        try {
            int v = Integer.parseInt(digits, 16);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "not a handle: '" + text + "' (handles are hexadecimal, like 0x1C or 1C)");
        }
    }

    private static int count(String text) {
        try {
            int v = text.toLowerCase(Locale.ROOT).startsWith("0x")
                    ? Integer.parseInt(text.substring(2), 16)
                    : Integer.parseInt(text);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a trace count: '" + text + "' (a number, decimal or 0x hex)");
        }
    }

    /** @return the words that {@link #parse} turns back into this command */
    public List<String> words() {
        List<String> w = new ArrayList<>();
        switch (op) {
            case TRACES -> {
                w.add("0x" + Integer.toHexString(handle));
                if (maxTraces != Integer.MAX_VALUE) {
                    w.add(Integer.toString(maxTraces));
                }
            }
            case ENABLE -> {
                w.add("-enable");
                if (maxTraces >= 0) {
                    w.add(Integer.toString(maxTraces));
                }
                if (!options.isEmpty()) {
                    StringBuilder hex = new StringBuilder(OPTIONS_WORD);
                    for (byte b : options.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                    }
                    w.add(hex.toString());
                }
            }
            default -> w.add("-" + op.name().toLowerCase(Locale.ROOT));
        }
        if (format != ReportFormat.TXT) {
            w.add("--format");
            w.add(format.option());
        }
        return w;
    }
}
