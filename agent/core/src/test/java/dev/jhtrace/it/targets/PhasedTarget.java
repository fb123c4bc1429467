package dev.jhtrace.it.targets;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A long-running target driven through stdin, for the CLI tests. Self-contained (no other test class), so it
 * can be copied where another user can run it.
 *
 * <p>At start it opens a file and a server socket (before any {@code -enable}) and prints {@code PRE fd,fd} and
 * {@code READY pid}. Then, per line on stdin: {@code leak} opens two files and a socket and keeps them
 * ({@code LEAK fd|line} each); {@code drop} opens three and drops them until the GC's cleaner closed them
 * ({@code DROP fd|line} each); {@code reuse} opens and closes a file twice ({@code REUSE fd|open1|close1|open2|close2});
 * {@code ping} answers {@code PONG}; {@code exit} ends.
 */
public final class PhasedTarget {
    private static final List<Object> KEEP = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("jhtrace-phased", ".txt");
        file.toFile().deleteOnExit();
        awaitAgentChannel();
        openJdkOwnDescriptors();
        TreeSet<Integer> before = fds();
        KEEP.add(new FileInputStream(file.toFile()));
        KEEP.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        TreeSet<Integer> pre = fds();
        pre.removeAll(before);
        say("PRE " + join(pre));
        say("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.trim()) {
                case "leak" -> {
                    TreeSet<Integer> mark = fds();
                    KEEP.add(new FileInputStream(file.toFile())); int l1 = line();
                    int fd1 = newFd(mark);
                    mark = fds();
                    KEEP.add(new FileInputStream(file.toFile())); int l2 = line();
                    int fd2 = newFd(mark);
                    mark = fds();
                    KEEP.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())); int l3 = line();
                    int fd3 = newFd(mark);
                    say("LEAK " + fd1 + "|" + l1);
                    say("LEAK " + fd2 + "|" + l2);
                    say("LEAK " + fd3 + "|" + l3);
                    say("LEAKED");
                }
                case "reuse" -> {
                    // another thread (the agent's control channel serving the last command) may free a lower
                    // number meanwhile: retry until the second open really reuses the first one's number
                    for (int attempt = 0; attempt < 20; attempt++) {
                        TreeSet<Integer> mark = fds();
                        FileInputStream a = new FileInputStream(file.toFile()); int o1 = line();
                        int fd = newFdOrNone(mark);
                        a.close(); int c1 = line();
                        FileInputStream b = new FileInputStream(file.toFile()); int o2 = line();
                        int again = newFdOrNone(mark);
                        b.close(); int c2 = line();
                        if (again == fd && fd >= 0 || attempt == 19) {
                            say("REUSE " + fd + "|" + o1 + "|" + c1 + "|" + o2 + "|" + c2 + "|" + again);
                            break;
                        }
                    }
                }
                case "drop" -> {
                    // opens three streams, drops them unclosed, and waits until the GC's cleaner has closed them
                    TreeSet<Integer> mark = fds();
                    List<java.lang.ref.WeakReference<Object>> refs = new ArrayList<>();
                    int l = 0;
                    for (int i = 0; i < 3; i++) {
                        refs.add(new java.lang.ref.WeakReference<>(new FileInputStream(file.toFile()))); l = line();
                    }
                    TreeSet<Integer> opened = fds();
                    opened.removeAll(mark);
                    for (int i = 0; i < 300 && (refs.stream().anyMatch(r -> r.get() != null) || !java.util.Collections.disjoint(fds(), opened)); i++) {
                        System.gc();
                        Thread.sleep(20);
                    }
                    for (int fd : opened) {
                        say("DROP " + fd + "|" + l);
                    }
                    say("DROPPED");
                }
                case "ping" -> say("PONG");
                case "exit" -> {
                    return;
                }
                default -> say("UNKNOWN " + line);
            }
        }
    }

    private static void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    /** @return the one descriptor opened since mark, or -1 if a JVM thread opened another one meanwhile */
    private static int newFdOrNone(TreeSet<Integer> mark) throws IOException {
        TreeSet<Integer> now = fds();
        now.removeAll(mark);
        return now.size() == 1 ? now.first() : -1;
    }

    private static int newFd(TreeSet<Integer> mark) throws IOException {
        TreeSet<Integer> now = fds();
        now.removeAll(mark);
        if (now.size() != 1) {
            throw new IllegalStateException("expected one new fd, got " + now);
        }
        return now.first();
    }

    private static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }

    private static TreeSet<Integer> fds() throws IOException {
        TreeSet<Integer> a = listOnce();
        a.retainAll(listOnce());
        return a;
    }

    private static TreeSet<Integer> listOnce() throws IOException {
        List<String> names = new ArrayList<>();
        Path dir = Paths.get("/proc/self/fd");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        }
        TreeSet<Integer> fds = new TreeSet<>();
        for (String n : names) {
            if (Files.exists(dir.resolve(n))) {
                fds.add(Integer.parseInt(n));
            }
        }
        return fds;
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

    private static String join(TreeSet<Integer> s) {
        StringBuilder sb = new StringBuilder();
        for (int i : s) {
            sb.append(sb.length() == 0 ? "" : ",").append(i);
        }
        return sb.toString();
    }

    /**
     * An agent loaded at start opens its control channel on a thread of its own (and with it NIO's own
     * descriptors): wait for its socket, so that those are not taken for this program's first handles. The same
     * as Scenario's: this class stays self-contained, see the class comment.
     */
    private static void awaitAgentChannel() throws Exception {
        String cmdline = new String(Files.readAllBytes(Paths.get("/proc/self/cmdline"))).replace('\0', ' ');
        if (!cmdline.contains("-javaagent:") || cmdline.contains("control=false") || cmdline.contains("-Djhtrace.control.delay=")) {
            return;
        }
        int uid = (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        Path socket = Paths.get("/tmp/.jhtrace-" + uid, ProcessHandle.current().pid() + ".sock");
        for (int i = 0; i < 500 && !Files.exists(socket); i++) {
            Thread.sleep(10);
        }
        Thread.sleep(50); // the socket file appears at bind; the channel's last steps follow it
    }
}
