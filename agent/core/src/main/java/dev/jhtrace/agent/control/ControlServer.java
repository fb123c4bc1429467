package dev.jhtrace.agent.control;

import dev.jhtrace.agent.AgentLog;
import dev.jhtrace.agent.AgentThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control channel the CLI talks to: a Unix domain socket at {@link ControlEndpoint#socket}, served by the
 * native module's socket calls ({@link ControlSocket}: no JDK socket class, see there why).
 *
 * <p>Only the same OS user can reach it: the directory is owner-only (and refused if it is a symlink or
 * someone else's), the socket file is owner-only, and each connection's peer uid (SO_PEERCRED) must be the
 * agent's own. Nothing listens on a TCP port. One request per connection: one complete line of command words,
 * within {@link #REQUEST_TIMEOUT_MILLIS}; the answer is {@code OK} or {@code ERR <reason>} on the first line,
 * then the body. At most {@link #MAX_CLIENTS} connections are served at once; more are told the agent is busy.
 * Running out of descriptors while accepting only pauses the channel: it goes on once descriptors are free.
 */
public final class ControlServer {
    private static final int MAX_REQUEST = 4096;
    private static final int MAX_CLIENTS = 4;
    private static final int REQUEST_TIMEOUT_MILLIS = 5_000;
    private static final int ANSWER_TIMEOUT_MILLIS = 30_000;
    private static final int ACCEPT_POLL_MILLIS = 500;
    private static final long RETRY_MILLIS = 200;

    private final CommandProcessor processor;
    private final int uid;
    private final long pid;
    private final AtomicInteger clients = new AtomicInteger();
    private int listener = -1;
    private boolean stopped;
    private boolean hookRegistered;

    /** The socket could not be made for want of descriptors (or memory): worth trying again later. */
    public static final class OutOfDescriptors extends IOException {
        OutOfDescriptors(String message) {
            super(message);
        }
    }

    /**
     * @param processor runs the commands
     * @param uid       the only user served
     * @param pid       this process, which names the socket
     */
    public ControlServer(CommandProcessor processor, int uid, long pid) {
        this.processor = processor;
        this.uid = uid;
        this.pid = pid;
    }

    /**
     * Creates the directory and the socket, and starts accepting on an agent thread.
     *
     * @throws IOException if the directory is unsafe or the socket cannot be bound
     */
    public void start() throws IOException {
        if (!hookRegistered) {
            try {
                // registered first, and once however often start() is retried: a JVM that begins to exit while the
                // channel starts must not leave the socket behind
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(AgentThreads.wrap(new Stop()), "jhtrace-control-cleanup"));
                hookRegistered = true;
            } catch (IllegalStateException exiting) {
                return;
            }
        }
        Path dir = ControlEndpoint.directory(uid);
        removeStaleSockets(dir);
        synchronized (this) {
            if (stopped) {
                return;
            }
            int fd = ControlSocket.listen0(dir.toString(), ControlEndpoint.socketName(pid));
            if (fd == ControlSocket.EMFILE
                    || fd == ControlSocket.ENFILE
                    || fd == ControlSocket.ENOMEM
                    || fd == ControlSocket.ENOBUFS) {
                throw new OutOfDescriptors(dir + ": " + ControlSocket.describe(fd));
            }
            if (fd < 0) {
                throw new IOException(dir + ": " + ControlSocket.describe(fd)
                        + (fd == ControlSocket.FOREIGN
                                ? " (uid " + ControlEndpoint.ownerUid(dir) + ", this process is uid " + uid
                                        + "); remove it or let its owner remove it"
                                : ""));
            }
            listener = fd;
        }
        Thread t = new Thread(AgentThreads.wrap(this::acceptLoop), "jhtrace-control");
        t.setDaemon(true);
        t.start();
    }

    /** Sockets left by processes of this user that were killed: nobody answers on them any more. */
    private static void removeStaleSockets(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.sock")) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                String number = name.substring(0, name.length() - ".sock".length());
                if (!number.isEmpty()
                        && number.chars().allMatch(c -> c >= '0' && c <= '9')
                        && number.length() < 10
                        && !Files.exists(Paths.get("/proc", number))) {
                    ControlSocket.unlinkStale0(
                            dir.toString(), name); // unless a process of another pid namespace answers
                }
            }
        } catch (IOException | RuntimeException e) {
            // no directory yet, or unreadable: listen0 says what is wrong with it
        }
    }

    private void acceptLoop() {
        int[] peer = new int[1];
        while (true) {
            int fd;
            synchronized (this) {
                if (stopped) {
                    // closed here, not by stop(): a number freed while this loop still used it could be the program's
                    // next socket, and this loop would accept on it
                    ControlSocket.close0(listener);
                    listener = -1;
                    return;
                }
                fd = listener;
            }
            int client = ControlSocket.accept0(fd, ACCEPT_POLL_MILLIS, peer);
            if (client == ControlSocket.TIMEOUT) {
                continue;
            }
            if (client < 0) {
                if (isStopped()) {
                    continue; // closes the listener above
                }
                // out of descriptors (the program's own leak, often the very thing being debugged) or memory:
                // wait and try again, the channel must work once the program frees descriptors
                AgentLog.once(
                        "control-accept:" + client,
                        "jhtrace: control channel: " + ControlSocket.describe(client)
                                + "; it goes on when the process has descriptors again");
                pause();
                continue;
            }
            serveAsync(client, peer[0]);
        }
    }

    private void serveAsync(int client, int peer) {
        if (clients.incrementAndGet() > MAX_CLIENTS) {
            clients.decrementAndGet();
            reply(client, "ERR busy: " + MAX_CLIENTS + " other commands are running; try again\n");
            ControlSocket.close0(client);
            return;
        }
        try {
            Thread t = new Thread(AgentThreads.wrap(new Client(client, peer)), "jhtrace-control-client");
            t.setDaemon(true);
            t.start();
        } catch (Throwable e) {
            clients.decrementAndGet();
            ControlSocket.close0(client);
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(int client, int peer) {
        if (peer != uid) {
            reply(client, "ERR only uid " + uid + " may control this process\n");
            return;
        }
        String request = readLine(client);
        if (request == null) {
            return; // no complete line in time: nothing is run for a client that said nothing
        }
        String answer;
        try {
            List<String> words =
                    request.isBlank() ? List.of() : Arrays.asList(request.trim().split("\\s+"));
            CommandProcessor.Result r = processor.execute(HtraceCommand.parse(words));
            answer = r.ok() ? "OK\n" + r.text() : "ERR " + dev.jhtrace.agent.report.Escapes.printable(r.text()) + "\n";
        } catch (RuntimeException e) {
            // the message may quote the request: one line, its control characters escaped, whoever reads it
            answer = "ERR " + dev.jhtrace.agent.report.Escapes.printable(String.valueOf(e.getMessage())) + "\n";
        }
        reply(client, answer);
    }

    /** @return the request's first line, or null when none was complete within the limits */
    private static String readLine(int client) {
        byte[] buf = new byte[MAX_REQUEST];
        int len = 0;
        long deadline = System.nanoTime() + REQUEST_TIMEOUT_MILLIS * 1_000_000L;
        while (len < buf.length) {
            int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
            if (left <= 0) {
                return null;
            }
            int n = ControlSocket.read0(client, buf, len, buf.length - len, left);
            if (n <= 0) {
                return null;
            }
            for (int i = len; i < len + n; i++) {
                if (buf[i] == '\n') {
                    return new String(buf, 0, i, StandardCharsets.UTF_8);
                }
            }
            len += n;
        }
        return null;
    }

    private static void reply(int client, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ControlSocket.write0(client, bytes, 0, bytes.length, ANSWER_TIMEOUT_MILLIS);
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private synchronized void stop() {
        stopped = true;
        if (listener < 0) {
            return;
        }
        ControlSocket.shutdown0(listener); // the accept loop wakes, fails, and closes it
        ControlSocket.unlink0(ControlEndpoint.directory(uid).toString(), ControlEndpoint.socketName(pid));
    }

    /** One connection: served, then closed, on a thread of its own. */
    private final class Client implements Runnable {
        private final int fd;
        private final int peer;

        Client(int fd, int peer) {
            this.fd = fd;
            this.peer = peer;
        }

        @Override
        public void run() {
            try {
                serve(fd, peer);
            } finally {
                ControlSocket.close0(fd);
                clients.decrementAndGet();
            }
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
