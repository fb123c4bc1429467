package dev.jhtrace.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import jdk.net.UnixDomainPrincipal;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * The control channel the CLI talks to: a Unix domain socket at {@code /tmp/.jhtrace-<uid>/<pid>.sock}.
 *
 * <p>Only the same OS user can reach it: the directory is owner-only (and refused if it is a symlink or
 * someone else's), the socket file is owner-only, and each connection's peer credentials must name the
 * agent's own user. Nothing listens on a TCP port. One request per connection: a line of command words;
 * the answer is {@code OK} or {@code ERR <reason>} on the first line, then the body.
 */
final class ControlServer {
    private static final int MAX_REQUEST = 4096;

    private final CommandProcessor processor;
    private final Path socket;
    private volatile ServerSocketChannel server;
    private boolean stopped;

    ControlServer(CommandProcessor processor, Path socket) {
        this.processor = processor;
        this.socket = socket;
    }

    /**
     * @param uid the user's id
     * @param pid the process id
     * @return where the agent of that process listens
     */
    static Path socketPath(int uid, long pid) {
        return directory(uid).resolve(pid + ".sock");
    }

    /** @return this process's user id, from {@code /proc/self} */
    static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static Path directory(int uid) {
        return Paths.get("/tmp", ".jhtrace-" + uid);
    }

    /**
     * Creates the directory and the socket, and starts accepting on an agent thread.
     *
     * @throws IOException if the directory is unsafe or the socket cannot be bound
     */
    void start() throws IOException {
        try {
            // registered first: a JVM that begins to exit while the channel starts must not leave the socket behind
            Runtime.getRuntime().addShutdownHook(new Thread(AgentThreads.wrap(new Stop()), "jhtrace-control-cleanup"));
        } catch (IllegalStateException exiting) {
            return;
        }
        int uid = currentUid();
        Path dir = socket.getParent();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another JVM of this user created it: checked below like any existing one
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != uid) {
            throw new IOException(dir + " belongs to uid " + owner + ", not to this process's uid " + uid);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(socket); // a stale socket of an earlier process with this pid
        // opened outside the lock: the first channel of a JVM loads the selector provider (tens of ms), and the
        // cleanup hook must not wait for that when the JVM exits meanwhile
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        synchronized (this) {
            if (stopped) {
                channel.close();
                return;
            }
            server = channel;
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            if (isStopped()) {
                return; // the JVM is exiting and the cleanup removed the socket already
            }
            throw e;
        }
        Thread t = new Thread(AgentThreads.wrap(this::acceptLoop), "jhtrace-control");
        t.setDaemon(true);
        t.start();
    }

    /** @return the socket's path, to recognise the channel's own descriptors in {@code /proc/self/fd} */
    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread t = new Thread(AgentThreads.wrap(() -> serve(client)), "jhtrace-control-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    AgentLog.once("control-accept", "jhtrace: control channel error: " + e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            UnixDomainPrincipal peer = client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            String me = System.getProperty("user.name");
            if (peer == null || !peer.user().getName().equals(me)) {
                reply(client, "ERR only user " + me + " may control this process\n");
                return;
            }
            String request = readLine(client);
            String answer;
            try {
                List<String> words = request.isBlank() ? List.of() : Arrays.asList(request.trim().split("\\s+"));
                CommandProcessor.Result r = processor.execute(HtraceCommand.parse(words));
                answer = (r.ok() ? "OK\n" : "ERR ") + r.text() + (r.ok() ? "" : "\n");
            } catch (RuntimeException e) {
                answer = "ERR " + e.getMessage() + "\n";
            }
            reply(client, answer);
        } catch (IOException | RuntimeException e) {
            // the client went away; nothing to tell anyone
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST);
        while (buf.hasRemaining()) {
            int n = client.read(buf);
            if (n < 0) {
                break;
            }
            byte[] a = buf.array();
            boolean newline = false;
            for (int i = 0; i < buf.position(); i++) {
                newline |= a[i] == '\n';
            }
            if (newline) {
                break;
            }
        }
        String s = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void reply(SocketChannel client, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private synchronized void stop() {
        stopped = true;
        if (server == null) {
            return;
        }
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // exiting anyway
        }
    }

    /** The shutdown hook's task: close the channel and remove its socket. */
    private final class Stop implements Runnable {
        @Override
        public void run() {
            stop();
        }
    }
}
