package dev.jhtrace.agent.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Accepted handles, left out of reports and of the {@code check} gate: a file of patterns, one per line
 * (docs/report-formats.md#suppressions). A handle is suppressed when a pattern matches one of its open stack's frames
 * or its description (a path, socket endpoints).
 *
 * <pre>
 * # a comment: a line whose first non-blank character is '#'
 * frame:com.example.Pool.open        a frame, as class.method or class.method(File.java:12)
 * path:/var/cache/app/*.idx          the description
 * org.eclipse.jetty.*                either
 * </pre>
 *
 * In a pattern {@code *} stands for any run of characters and {@code ?} for one; everything else is literal, and a
 * pattern matches the whole frame or description.
 */
public final class Suppressions {
    /** No pattern: nothing is suppressed. */
    public static final Suppressions NONE = new Suppressions("", List.of());

    /** The most bytes a suppression file may have: it is read at the agent's start, on the application's time. */
    static final long MAX_BYTES = 1 << 20;

    private enum Target {
        FRAME,
        PATH,
        EITHER
    }

    private record Rule(String text, Target target, Pattern glob) {}

    private final String source;
    private final List<Rule> rules;

    private Suppressions(String source, List<Rule> rules) {
        this.source = source;
        this.rules = rules;
    }

    /**
     * @param file a suppression file
     * @return its patterns
     * @throws IOException              if it cannot be read, is not a regular file, or is larger than 1 MiB
     * @throws IllegalArgumentException naming the first bad line
     */
    public static Suppressions read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file"); // a FIFO would block the reader, a device never end
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * @param source where the lines come from, for messages
     * @param lines  the file's lines
     * @return their patterns
     * @throws IllegalArgumentException naming the first bad line
     */
    public static Suppressions parse(String source, List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Target target = Target.EITHER;
            String pattern = line;
            if (line.startsWith("frame:")) {
                target = Target.FRAME;
                pattern = line.substring(6).strip();
            } else if (line.startsWith("path:")) {
                target = Target.PATH;
                pattern = line.substring(5).strip();
            }
            Pattern glob = pattern.isEmpty() ? null : glob(pattern);
            if (glob == null || matchesAnything(glob, target)) {
                // "*", "*.*", "?*" would suppress every leak: a gate that can never fail is a mistake, not a wish
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": '" + Escapes.printable(line) + "' would match every handle");
            }
            rules.add(new Rule(line, target, glob));
        }
        return new Suppressions(source, List.copyOf(rules));
    }

    /** Frames and descriptions no real pattern is meant for: one that matches them all matches everything. */
    private static final String[] ANY_FRAME = {"a.b", "a.b(A.java:1)", "x.y.Z.m"};

    private static final String[] ANY_DESCRIPTION = {"/x", "/a/b.c", "socket:[1]"};

    private static boolean matchesAnything(Pattern glob, Target target) {
        boolean frames = true;
        for (String f : ANY_FRAME) {
            frames &= glob.matcher(f).matches();
        }
        boolean descriptions = true;
        for (String d : ANY_DESCRIPTION) {
            descriptions &= glob.matcher(d).matches();
        }
        return target == Target.FRAME ? frames : target == Target.PATH ? descriptions : frames || descriptions;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** @return whether there is no pattern */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** @return the file the patterns came from, or "" */
    public String source() {
        return source;
    }

    /** @return how many patterns there are */
    public int size() {
        return rules.size();
    }

    /**
     * @param description the handle's description, or null
     * @param stack       its open stack
     * @return whether a pattern accepts the handle
     */
    public boolean suppresses(String description, List<StackTraceElement> stack) {
        for (Rule r : rules) {
            if (r.target != Target.FRAME
                    && description != null
                    && r.glob.matcher(description).matches()) {
                return true;
            }
            if (r.target != Target.PATH && stack != null) {
                for (StackTraceElement f : stack) {
                    if (matchesFrame(r.glob, f)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean matchesFrame(Pattern glob, StackTraceElement f) {
        if (NativeFrame.is(f)) {
            return glob.matcher(f.getMethodName()).matches();
        }
        return glob.matcher(f.getClassName() + "." + f.getMethodName()).matches()
                || glob.matcher(LeakSites.frame(f)).matches();
    }
}
