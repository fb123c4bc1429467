package dev.jhtrace.it.targets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Records what really happened in a target program, for the test to compare with the agent's report:
 * the descriptors that appeared in {@code /proc/self/fd}, and the source lines that opened and closed them.
 *
 * <p>Printed to stdout as {@code SCENARIO name|leakLine|leakFds|closedOpenLine|closeLine|closedFds}.
 */
public final class Scenario {
    /** Objects kept reachable so that the GC never closes a deliberately leaked handle. */
    public static final List<Object> KEEP = new ArrayList<>();

    private final String name;
    private TreeSet<Integer> mark = new TreeSet<>();
    private int leakLine = -1;
    private TreeSet<Integer> leakFds = new TreeSet<>();
    private int closedOpenLine = -1;
    private int closeLine = -1;
    private TreeSet<Integer> closedFds = new TreeSet<>();

    public Scenario(String name) {
        this.name = name;
    }

    /** Marks the descriptor table before an open. */
    public void begin() {
        mark = fds();
    }

    /** @param line the line that opened the instance that will be closed */
    public void opened(int line) {
        closedOpenLine = line;
        closedFds = diff();
    }

    /** @param line the line that closed it */
    public void closed(int line) {
        closeLine = line;
    }

    /**
     * @param line the line that opened the leaked instance
     * @param leaked the leaked object, kept reachable
     */
    public void leaked(int line, Object leaked) {
        leakLine = line;
        leakFds = diff();
        KEEP.add(leaked);
    }

    /** Prints the record. */
    public void print() {
        System.out.println("SCENARIO " + name + "|" + leakLine + "|" + join(leakFds) + "|" + closedOpenLine + "|" + closeLine + "|"
                + join(closedFds));
    }

    private TreeSet<Integer> diff() {
        TreeSet<Integer> now = fds();
        now.removeAll(mark);
        return now;
    }

    private static String join(TreeSet<Integer> s) {
        StringBuilder sb = new StringBuilder();
        for (int i : s) {
            sb.append(sb.length() == 0 ? "" : ",").append(i);
        }
        return sb.toString();
    }

    /** @return the descriptors open now, as the OS lists them (without the listing's own) */
    public static TreeSet<Integer> fds() {
        TreeSet<Integer> fds = new TreeSet<>();
        Path dir = Paths.get("/proc/self/fd");
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (String n : names) {
            if (Files.exists(dir.resolve(n))) {
                fds.add(Integer.parseInt(n));
            }
        }
        return fds;
    }

    /** @return the line number of the caller's call site */
    public static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }
}
