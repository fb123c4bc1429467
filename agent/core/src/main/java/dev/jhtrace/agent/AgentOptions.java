package dev.jhtrace.agent;

import dev.jhtrace.agent.report.ReportFormat;
import dev.jhtrace.agent.report.Suppressions;

/**
 * The agent's options, {@code -javaagent:jhtrace.jar=k=v,k=v} (docs/options.md).
 *
 * @param reportPath     {@code report=}: where to write the shutdown report, with {@code %p} and {@code %t}; null for none
 * @param format         {@code format=}: txt, json, html or collapsed; from the report's extension when absent (null without a report)
 * @param maxTraces      {@code max=}: capacity of the trace database
 * @param includeRuntime {@code internal=true}: also report the JVM's own handles as open handles
 * @param enabled        {@code enable} (default) or {@code disable}: whether tracing starts at once
 * @param traces         {@code traces=}: which traces the shutdown report lists besides open handles:
 *                       {@code bad} (bad references, the default), {@code all} (the whole trace database) or {@code none}
 * @param control        {@code control=false}: no control channel and no MBean (the CLI cannot reach the process)
 * @param nativeHooks    {@code native=false}: do not load the native module (descriptors of native code stay untraced)
 * @param depth          {@code depth=}: the most frames an OPEN or BAD_REFERENCE stack keeps, innermost first (the native
 *                       module walks no further, which bounds what a capture costs in a deep stack)
 * @param closeDepth     {@code closedepth=}: the same for CLOSE stacks, which need fewer frames to name the closer
 * @param walker         {@code walker=}: how the native module walks stacks: {@code auto} ({@code vm} on the JDK
 *                       versions it was verified on, else {@code asgct}), {@code vm} (HotSpot's structures, checked
 *                       against AsyncGetCallTrace at first), {@code asgct} (AsyncGetCallTrace only) or {@code check}
 *                       (both on every capture, disagreements counted on stderr at exit: for testing)
 * @param threshold      {@code threshold=}: write a report when the program's open handles first exceed this many; 0
 *                       for never
 * @param suppress       {@code suppress=FILE}: accepted handles, left out of reports
 * @param jfr            {@code jfr=true}: JFR events for handles
 * @param frameworks     {@code frameworks=a.b.:c.d.}: class-name prefixes of frameworks, whose frames are not leak sites
 * @param minAgeMillis   {@code minage=}: the shutdown report and summary leave out handles opened less than this long
 *                       before them (requests in flight at exit), and count them; 0 for none
 * @param cache          {@code cache=DIR|false}: where the hook check's verdict for this JDK is kept between runs
 *                       ({@code dev.jhtrace.agent.hook.HookCheckCache}); null for none, empty for the default place
 */
public record AgentOptions(
        String reportPath,
        ReportFormat format,
        int maxTraces,
        boolean includeRuntime,
        boolean enabled,
        TraceFilter traces,
        boolean control,
        boolean nativeHooks,
        int depth,
        int closeDepth,
        WalkerMode walker,
        int threshold,
        Suppressions suppress,
        boolean jfr,
        java.util.List<String> frameworks,
        long minAgeMillis,
        String cache) {
    /** Default capacity of the trace database. */
    static final int DEFAULT_MAX_TRACES = 16_384;
    /** Default and largest number of frames per stack. */
    static final int DEFAULT_DEPTH = 64;
    /** Default frames per CLOSE stack. */
    static final int DEFAULT_CLOSE_DEPTH = 32;

    static final int MAX_DEPTH = 1024;

    /** Thrown for an unknown or malformed option; its message names the option. */
    public static final class BadOption extends Exception {
        BadOption(String message) {
            super(printable(message)); // it is printed: an option's control characters must not reach the terminal
        }
    }

    /**
     * @param args the text after {@code =} in {@code -javaagent:jhtrace.jar=...}, or null
     * @return the options
     * @throws BadOption naming the first bad option
     */
    public static AgentOptions parse(String args) throws BadOption {
        String report = null;
        ReportFormat format = null;
        int max = DEFAULT_MAX_TRACES;
        boolean internal = false;
        boolean enabled = true;
        TraceFilter traces = TraceFilter.BAD;
        boolean control = true;
        boolean nativeHooks = true;
        int depth = DEFAULT_DEPTH;
        int closeDepth = DEFAULT_CLOSE_DEPTH;
        WalkerMode walker = WalkerMode.AUTO;
        int threshold = 0;
        Suppressions suppress = Suppressions.NONE;
        boolean jfr = false;
        java.util.List<String> frameworks = java.util.List.of();
        long minAge = 0;
        String cache = "";
        if (args != null && !args.isBlank()) {
            for (String item : args.split(",")) {
                int eq = item.indexOf('=');
                String key = (eq < 0 ? item : item.substring(0, eq)).trim();
                String value = eq < 0 ? null : item.substring(eq + 1).trim();
                switch (key) {
                    case "report" -> report = required(key, value);
                    case "format" -> {
                        format = ReportFormat.named(required(key, value));
                        if (format == null || value.equalsIgnoreCase("text")) {
                            throw new BadOption("format=" + value + " (expected txt, json, html or collapsed)");
                        }
                    }
                    case "max" -> {
                        max = number(key, value, "a number of traces");
                    }
                    case "depth" -> depth = frames(key, value);
                    case "closedepth" -> closeDepth = frames(key, value);
                    case "internal" -> internal = bool(key, value);
                    case "control" -> control = bool(key, value);
                    case "native" -> nativeHooks = bool(key, value);
                    case "jfr" -> jfr = bool(key, value);
                    case "frameworks" -> frameworks = prefixes(key, required(key, value));
                    case "minage" -> minAge = duration(key, required(key, value));
                    case "cache" -> cache = cacheDirectory(key, required(key, value));
                    case "traces" -> {
                        traces = TraceFilter.named(required(key, value));
                        if (traces == null) {
                            throw new BadOption("traces=" + value + " (expected bad, all or none)");
                        }
                    }
                    case "walker" -> {
                        walker = WalkerMode.named(required(key, value));
                        if (walker == null) {
                            throw new BadOption("walker=" + value + " (expected auto, vm, asgct or check)");
                        }
                    }
                    case "threshold" -> threshold = number(key, value, "a number of open handles");
                    case "suppress" -> suppress = suppressions(required(key, value));
                    case "enable" -> enabled = value == null || bool(key, value);
                    case "disable" -> enabled = !(value == null || bool(key, value));
                    default -> throw new BadOption("unknown option '" + printable(item.trim()) + "'");
                }
            }
        }
        if (report != null && format == null) {
            format = ReportFormat.of(report);
        }
        return new AgentOptions(
                report,
                format,
                max,
                internal,
                enabled,
                traces,
                control,
                nativeHooks,
                depth,
                closeDepth,
                walker,
                threshold,
                suppress,
                jfr,
                frameworks,
                minAge,
                cache);
    }

    /** @return null for {@code false}, else an absolute directory (a relative one would move with the program) */
    private static String cacheDirectory(String key, String value) throws BadOption {
        if (value.equals("false")) {
            return null;
        }
        if (!value.startsWith("/")) {
            throw new BadOption(key + "=" + value + " (expected an absolute directory, or false)");
        }
        return value;
    }

    /** Options a running agent takes from a later {@code -enable}; the others are fixed at its start. */
    private static final java.util.Set<String> RUN_TIME_KEYS = java.util.Set.of(
            "report",
            "format",
            "max",
            "internal",
            "traces",
            "threshold",
            "suppress",
            "jfr",
            "frameworks",
            "minage",
            "enable",
            "disable");

    /**
     * What a later {@code -enable k=v,...} makes of the running agent's options.
     *
     * @param merged the options in force afterwards
     * @param fixed  one sentence per option that was given but cannot change while the agent runs
     */
    public record Change(AgentOptions merged, java.util.List<String> fixed) {}

    /**
     * @param current the options in force
     * @param text    the new {@code k=v,k=v}
     * @return the options with those that may change at run time replaced
     * @throws BadOption naming the first bad option
     */
    public static Change change(AgentOptions current, String text) throws BadOption {
        AgentOptions given = parse(text);
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String item : text.split(",")) {
            int eq = item.indexOf('=');
            keys.add((eq < 0 ? item : item.substring(0, eq)).trim());
        }
        java.util.List<String> fixed = new java.util.ArrayList<>();
        for (String key : keys) {
            if (!RUN_TIME_KEYS.contains(key)) {
                String now = current.value(key);
                if (!now.equals(given.value(key))) {
                    fixed.add(key + "=" + given.value(key) + " cannot change while the agent runs (it is " + key + "="
                            + now + "); start the JVM with -javaagent:jhtrace.jar=" + key + "=" + given.value(key));
                }
            }
        }
        String report = keys.contains("report") ? given.reportPath() : current.reportPath();
        ReportFormat format = keys.contains("format") || keys.contains("report") ? given.format() : current.format();
        AgentOptions merged = new AgentOptions(
                report,
                format,
                keys.contains("max") ? given.maxTraces() : current.maxTraces(),
                keys.contains("internal") ? given.includeRuntime() : current.includeRuntime(),
                true,
                keys.contains("traces") ? given.traces() : current.traces(),
                current.control(),
                current.nativeHooks(),
                current.depth(),
                current.closeDepth(),
                current.walker(),
                keys.contains("threshold") ? given.threshold() : current.threshold(),
                keys.contains("suppress") ? given.suppress() : current.suppress(),
                keys.contains("jfr") ? given.jfr() : current.jfr(),
                keys.contains("frameworks") ? given.frameworks() : current.frameworks(),
                keys.contains("minage") ? given.minAgeMillis() : current.minAgeMillis(),
                current.cache());
        return new Change(merged, fixed);
    }

    /** @return the value of an option fixed at start, as text */
    private String value(String key) {
        return switch (key) {
            case "depth" -> Integer.toString(depth);
            case "closedepth" -> Integer.toString(closeDepth);
            case "walker" -> walker.option();
            case "native" -> Boolean.toString(nativeHooks);
            case "control" -> Boolean.toString(control);
            case "cache" -> cache == null ? "false" : cache.isEmpty() ? "(the default)" : cache;
            default -> "";
        };
    }

    /** Decimal, or hexadecimal after {@code 0x}: nothing else (no octal {@code 010}, no {@code #ff}, no {@code +5}). */
    private static int number(String key, String value, String expected) throws BadOption {
        String v = required(key, value);
        boolean hex = v.length() > 2 && (v.startsWith("0x") || v.startsWith("0X"));
        String digits = hex ? v.substring(2) : v;
        if (digits.isEmpty() || digits.length() > 9) {
            throw new BadOption(key + "=" + printable(value) + " (expected " + expected + ")");
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            boolean ok = c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
            if (!ok) {
                throw new BadOption(key + "=" + printable(value) + " (expected " + expected + ", decimal or 0x hex)");
            }
        }
        long n = Long.parseLong(digits, hex ? 16 : 10);
        if (n > Integer.MAX_VALUE) {
            throw new BadOption(key + "=" + value + " (at most " + Integer.MAX_VALUE + ")");
        }
        return (int) n;
    }

    /**
     * @param text text from the command line
     * @return the same with control characters (which could drive a terminal) written as {@code \xNN}
     */
    public static String printable(String text) {
        return dev.jhtrace.agent.report.Escapes.printable(text);
    }

    private static String required(String key, String value) throws BadOption {
        if (value == null || value.isEmpty()) {
            throw new BadOption(key + "= needs a value");
        }
        return value;
    }

    /** @return {@code a.b.:c.d} as its class-name prefixes ({@link dev.jhtrace.agent.report.LeakSites#parseFrameworks}) */
    static java.util.List<String> prefixes(String key, String value) throws BadOption {
        try {
            return dev.jhtrace.agent.report.LeakSites.parseFrameworks(value);
        } catch (IllegalArgumentException e) {
            throw new BadOption(key + "=" + value + " (" + e.getMessage() + ")");
        }
    }

    /** @return milliseconds of {@code 500ms}, {@code 5s}, {@code 2m} or a plain number of milliseconds */
    private static long duration(String key, String value) throws BadOption {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (v.endsWith("ms")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
            unit = 1_000;
        } else if (v.endsWith("m")) {
            v = v.substring(0, v.length() - 1);
            unit = 60_000;
        }
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadOption(key + "=" + value + " (expected a duration: 500ms, 5s, 2m, or milliseconds)");
        }
        return Long.parseLong(v) * unit;
    }

    private static Suppressions suppressions(String file) throws BadOption {
        try {
            return Suppressions.read(java.nio.file.Paths.get(file));
        } catch (java.io.IOException | RuntimeException e) {
            String why =
                    e instanceof java.nio.file.NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
            throw new BadOption("suppress=" + file + " (" + why + ")");
        }
    }

    private static int frames(String key, String value) throws BadOption {
        int n = number(key, value, "a number of frames");
        if (n < 1 || n > MAX_DEPTH) {
            throw new BadOption(key + "=" + value + " (expected 1 to " + MAX_DEPTH + ")");
        }
        return n;
    }

    private static boolean bool(String key, String value) throws BadOption {
        if (value == null || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new BadOption(key + "=" + value + " (expected true or false)");
    }
}
