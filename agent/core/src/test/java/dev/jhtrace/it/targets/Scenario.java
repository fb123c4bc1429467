package dev.jhtrace.it.targets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private TreeMap<Integer, String> mark = new TreeMap<>();
    private int leakLine = -1;
    private TreeSet<Integer> leakFds = new TreeSet<>();
    private int closedOpenLine = -1;
    private int closeLine = -1;
    private TreeSet<Integer> closedFds = new TreeSet<>();

    public Scenario(String name) {
        this.name = name;
    }

    /**
     * Marks the descriptor table before an open. After a close, first waits (up to 5 s) until the closed
     * descriptors are really gone: some channels finish closing on another thread, and a number still open
     * at the mark but reused by the next open would hide that open from the diff.
     */
    public void begin() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (closeLine >= 0 && System.nanoTime() < deadline) {
            TreeSet<Integer> open = fds();
            open.retainAll(closedFds);
            if (open.isEmpty()) {
                break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        mark = descriptors();
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
        if (leakFds.size() > 1 && System.getenv("SCENARIO_DEBUG") != null) {
            for (int fd : leakFds) {
                try {
                    System.out.println("DEBUG " + name + " " + fd + " -> " + Files.readSymbolicLink(Paths.get("/proc/self/fd/" + fd)));
                } catch (IOException e) {
                    System.out.println("DEBUG " + name + " " + fd + " gone");
                }
            }
        }
    }

    /** Prints the record. */
    public void print() {
        System.out.println("SCENARIO " + name + "|" + leakLine + "|" + join(leakFds) + "|" + closedOpenLine + "|" + closeLine + "|"
                + join(closedFds));
    }

    /**
     * @return the descriptors open now that were not open at the mark, a number counted as new when it now names
     *     something else than it did then: the JVM's own short reads (below) can hold a number at the mark and
     *     free it just before the scenario's open takes it
     */
    private TreeSet<Integer> diff() {
        TreeMap<Integer, String> all = descriptors();
        TreeSet<Integer> now = new TreeSet<>();
        for (Map.Entry<Integer, String> e : all.entrySet()) {
            if (!e.getValue().equals(mark.get(e.getKey()))) {
                now.add(e.getKey());
            }
        }
        if (now.isEmpty() && System.getenv("SCENARIO_DEBUG") != null) {
            System.out.println("DEBUG " + name + " mark=" + mark + " now=" + all);
        }
        return now;
    }

    private static String join(TreeSet<Integer> s) {
        StringBuilder sb = new StringBuilder();
        for (int i : s) {
            sb.append(sb.length() == 0 ? "" : ",").append(i);
        }
        return sb.toString();
    }

    /**
     * @return the numbers of {@link #descriptors()}
     */
    public static TreeSet<Integer> fds() {
        return new TreeSet<>(descriptors().keySet());
    }

    /**
     * @return the descriptors open now, each with what its {@code /proc/self/fd} link names, listed twice and kept
     *     where the two agree (a descriptor another thread opens and closes meanwhile, as class loading from a
     *     directory does, is not taken for the program's); without those the JVM opens for itself on its own threads: its container support
     *     reads {@code /sys/fs/cgroup} (a compiler thread, every few dozen milliseconds while it compiles) and
     *     {@code /proc} files, and on a loaded machine such a descriptor can stay open across both listings
     */
    public static TreeMap<Integer, String> descriptors() {
        awaitAgentChannel();
        TreeMap<Integer, String> first = listOnce();
        TreeMap<Integer, String> second = listOnce();
        first.entrySet().removeIf(e -> !e.getValue().equals(second.get(e.getKey()))
                || e.getValue().startsWith("/sys/")
                || e.getValue().startsWith("/proc/"));
        return first;
    }

    private static boolean channelSeen;

    /**
     * The agent opens its control channel (a Unix socket, and NIO's own descriptors with it) on a thread of its
     * own shortly after start-up: wait for it, so that those are not counted among the program's.
     */
    private static synchronized void awaitAgentChannel() {
        if (channelSeen) {
            return;
        }
        channelSeen = true;
        openJdkOwnDescriptors();
        try {
            String cmdline = new String(Files.readAllBytes(Paths.get("/proc/self/cmdline"))).replace('\0', ' ');
            if (!cmdline.contains("-javaagent:") || cmdline.contains("control=false")) {
                return;
            }
            int uid = (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
            Path socket = Paths.get("/tmp/.jhtrace-" + uid, ProcessHandle.current().pid() + ".sock");
            for (int i = 0; i < 500 && !Files.exists(socket); i++) {
                Thread.sleep(10);
            }
            Thread.sleep(50); // the socket file appears at bind; the channel's last steps follow it
        } catch (IOException | RuntimeException e) {
            // no way to tell: go on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * NIO's first use opens a descriptor the JDK keeps for the JVM's life (the socketpair behind its pre-close
     * dup2, made in native code no hook sees). An agent that used NIO itself used to make it before the program
     * ran; the agent no longer does, so the scenario makes it before it counts the program's descriptors.
     */
    private static void openJdkOwnDescriptors() {
        try {
            java.nio.channels.ServerSocketChannel.open().close();
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).close();
            java.nio.channels.DatagramChannel.open().close();
        } catch (IOException | RuntimeException e) {
            // nothing to warm up: go on
        }
    }

    private static TreeMap<Integer, String> listOnce() {
        TreeMap<Integer, String> fds = new TreeMap<>();
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
            try {
                fds.put(Integer.parseInt(n), Files.readSymbolicLink(dir.resolve(n)).toString());
            } catch (IOException closed) {
                // the listing's own descriptor, or one another thread closed meanwhile
            }
        }
        return fds;
    }

    /**
     * @param file a file the caller has open once
     * @return the descriptor open on it, found by the OS's link (never a descriptor another thread opened meanwhile,
     *     nor one that got the number after it was closed), or -1 when none is
     */
    public static int fdOn(Path file) throws IOException {
        Path real = file.toRealPath();
        for (int fd : fds()) {
            try {
                if (Files.readSymbolicLink(Paths.get("/proc/self/fd/" + fd)).equals(real)) {
                    return fd;
                }
            } catch (IOException gone) {
                // closed meanwhile: not the caller's
            }
        }
        return -1;
    }

    /** @return the line number of the caller's call site */
    public static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }
}
