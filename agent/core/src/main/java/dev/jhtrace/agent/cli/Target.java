package dev.jhtrace.agent.cli;

import dev.jhtrace.agent.control.ControlEndpoint;
import dev.jhtrace.agent.control.HtraceCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process the CLI was asked to control: checked (exists, same uid, a JVM) before anything is sent, and
 * reached through its agent's control channel, loading the agent first when {@code -enable} asks for it.
 *
 * <p>The channel is trusted only when its directory and socket are the target user's, and the process that
 * answers on it runs as the target's uid (SO_PEERCRED); answers are bounded in size and time.
 */
final class Target {
    private static final long AGENT_START_TIMEOUT_MILLIS = 15_000;

    /** How long a command waits for the control channel of a JVM started less than this long ago. */
    private static final long START_GRACE_MILLIS = 3_000;
    /** The most an answer may hold: a full trace database in JSON is far below this. */
    static final int MAX_ANSWER_BYTES = 256 << 20;

    /** A one-line reason the command cannot be carried out. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** The target runs as another uid, and this CLI runs as root: it may act as that user (see JhtraceCli). */
    static final class OtherUser extends Exception {
        final int uid;
        final int gid;

        OtherUser(int uid, int gid) {
            super("uid " + uid);
            this.uid = uid;
            this.gid = gid;
        }
    }

    private final long pid;
    private final int uid;
    private final long timeoutMillis;

    /**
     * Whether the target maps jhtrace's native module: an agent is in it already (started with {@code -javaagent},
     * {@code -agentpath} or an earlier attach), though its channel may not be open yet.
     */
    private final boolean agentMapped;

    private Target(long pid, int uid, long timeoutMillis, boolean agentMapped) {
        this.pid = pid;
        this.uid = uid;
        this.timeoutMillis = timeoutMillis;
        this.agentMapped = agentMapped;
    }

    /**
     * @param pid           the process
     * @param timeoutMillis how long to wait for any answer of the target
     * @return the target, once it is known to be a JVM of this user
     * @throws Refused    otherwise
     * @throws OtherUser  when this CLI is root and the target another user's
     */
    static Target check(long pid, long timeoutMillis) throws Refused, OtherUser {
        Path proc = Paths.get("/proc", Long.toString(pid));
        int me;
        int owner;
        try {
            me = ControlEndpoint.currentUid();
            owner = ControlEndpoint.uidOf(pid);
        } catch (IOException e) {
            throw new Refused("no process " + pid);
        }
        if (owner != me) {
            if (me == 0) {
                try {
                    throw new OtherUser(owner, ControlEndpoint.gidOf(pid));
                } catch (IOException e) {
                    throw new Refused("no process " + pid);
                }
            }
            throw new Refused("process " + pid + " belongs to uid " + owner + userName(proc) + ", not to you (uid " + me
                    + "): jhtrace controls only processes of its own user (or, as root, any user's)");
        }
        String maps;
        try {
            maps = Files.readString(proc.resolve("maps"));
        } catch (IOException e) {
            throw new Refused("cannot inspect process " + pid + " (" + command(proc) + "): /proc/" + pid
                    + "/maps is not readable");
        }
        if (!maps.contains("/libjvm.so")) {
            throw new Refused("process " + pid + " (" + command(proc) + ") is not a Java VM");
        }
        return new Target(pid, me, timeoutMillis, maps.contains("/libjhtrace.so"));
    }

    /** @return the agent's control socket, as this CLI reaches it (through a container's root if need be) */
    private Path socket() throws Refused {
        TargetRoot where = TargetRoot.of(pid);
        try {
            return where.resolveNoLinks(ControlEndpoint.socket(uid, where.nsPid()));
        } catch (java.io.IOException e) {
            throw new Refused(e.getMessage());
        }
    }

    /**
     * @return whether the agent's control socket is there and trustworthy
     */
    boolean hasAgent() {
        try {
            return ControlEndpoint.untrusted(socket(), uid) == null;
        } catch (Refused e) {
            return false; // a link on the way into its container: not one to talk to
        }
    }

    /**
     * @param command what to do
     * @return the agent's answer, with nothing in it that could drive a terminal
     * @throws Refused if the agent is absent (and not to be loaded), cannot be loaded, or refuses
     */
    String send(HtraceCommand command) throws Refused {
        Path socket = socket();
        String untrusted = ControlEndpoint.untrusted(socket, uid);
        String prefix = "";
        if (untrusted != null && !untrusted.startsWith("no ")) {
            throw new Refused(untrusted);
        }
        if (untrusted != null && (command.op() != HtraceCommand.Op.ENABLE || agentMapped) && justStarted()) {
            // an agent given at start opens its channel a moment after premain (-Djhtrace.control.delay): a command
            // sent to a JVM that has just started waits for it rather than say "not enabled"; so does -enable when an
            // agent is there, rather than attach (JDK 21+ would warn on the program's stderr of a dynamically loaded
            // agent)
            long deadline = System.currentTimeMillis() + START_GRACE_MILLIS;
            while (untrusted != null && untrusted.startsWith("no ") && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Refused("interrupted");
                }
                untrusted = ControlEndpoint.untrusted(socket, uid);
            }
            if (untrusted != null && !untrusted.startsWith("no ")) {
                throw new Refused(untrusted);
            }
        }
        if (untrusted != null) {
            if (command.op() != HtraceCommand.Op.ENABLE) {
                throw new Refused("jhtrace is not enabled in process " + pid + "; run: jhtrace " + pid + " -enable");
            }
            String options = command.options();
            if (command.maxTraces() >= 0 && !options.contains("max=")) {
                options = options.isEmpty() ? "max=" + command.maxTraces() : options + ",max=" + command.maxTraces();
            }
            AgentLoader.load(pid, options);
            waitFor(socket);
            prefix = "Agent loaded into process " + pid + ".\n";
        }
        String answer = Terminal.printable(exchange(socket, String.join(" ", command.words())));
        if (answer.startsWith("OK\n")) {
            return prefix + answer.substring(3);
        }
        if (answer.startsWith("ERR ")) {
            throw new Refused(answer.substring(4).trim().replace('\n', ' '));
        }
        throw new Refused("unexpected answer from process " + pid + ": "
                + answer.lines().findFirst().orElse("(nothing)"));
    }

    private void waitFor(Path socket) throws Refused {
        long deadline = System.currentTimeMillis() + AGENT_START_TIMEOUT_MILLIS;
        while (ControlEndpoint.untrusted(socket, uid) != null) {
            String why = ControlEndpoint.untrusted(socket, uid);
            if (!why.startsWith("no ")) {
                throw new Refused(why);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new Refused(
                        "the agent was loaded into process " + pid + " but its control channel did not appear in "
                                + AGENT_START_TIMEOUT_MILLIS / 1000 + " s; see the process's stderr");
            }
            if (!Files.isDirectory(Paths.get("/proc", Long.toString(pid)))) {
                throw new Refused("process " + pid + " exited");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted");
            }
        }
    }

    /** @return whether the target started less than {@link #START_GRACE_MILLIS} ago (from /proc: its start tick) */
    private boolean justStarted() {
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            // the fields after the command (in parentheses, which may hold spaces): state is field 3, starttime 22
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double startedSeconds = Long.parseLong(f[19]) / 100.0; // USER_HZ, 100 on Linux
            double upSeconds = Double.parseDouble(
                    Files.readString(Paths.get("/proc/uptime")).split(" ")[0]);
            return (upSeconds - startedSeconds) * 1000 < START_GRACE_MILLIS;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** One request and its whole answer, within the timeout: a stopped or dying target must not hang the CLI. */
    private String exchange(Path socket, String request) throws Refused {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new Refused("cannot open a socket: " + e.getMessage());
        }
        FutureTask<String> talk = new FutureTask<>(() -> talk(ch, socket, request));
        Thread t = new Thread(talk, "jhtrace-cli-exchange");
        t.setDaemon(true);
        t.start();
        try {
            return talk.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Refused("process " + pid + " did not answer within " + timeoutMillis / 1000 + " s" + state()
                    + " (--timeout SECONDS waits longer)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Refused r) {
                throw r;
            }
            throw new Refused("lost the connection to process " + pid + " (" + c.getMessage() + ")"
                    + (alive() ? "" : ": the process exited"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        } finally {
            try {
                ch.close(); // also ends a blocked read of the exchange thread
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private String talk(SocketChannel ch, Path socket, String request) throws IOException, Refused {
        ch.connect(UnixDomainSocketAddress.of(socket));
        // the process that answers must run as the target's uid, whoever created the socket file
        UserPrincipal peer =
                ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        UserPrincipal expected = Files.getOwner(Paths.get("/proc", Long.toString(pid)));
        if (!peer.equals(expected)) {
            throw new Refused("the process answering on " + socket + " is not of uid " + uid + " (it is "
                    + peer.getName() + "); refusing its answer");
        }
        ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ch.shutdownOutput();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(65536);
        while (ch.read(in) >= 0) {
            answer.write(in.array(), 0, in.position());
            in.clear();
            if (answer.size() > MAX_ANSWER_BYTES) {
                throw new Refused(
                        "the answer of process " + pid + " exceeds " + (MAX_ANSWER_BYTES >> 20) + " MB; refusing it");
            }
        }
        if (answer.size() == 0 && !alive()) {
            throw new Refused("process " + pid + " exited before it answered");
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private boolean alive() {
        return Files.isDirectory(Paths.get("/proc", Long.toString(pid)));
    }

    /** @return ", and it is stopped" when the kernel says so: the usual reason for no answer */
    private String state() {
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            char s = stat.charAt(stat.lastIndexOf(')') + 2);
            return s == 'T' || s == 't' ? " (it is stopped: kill -CONT " + pid + ")" : "";
        } catch (IOException | RuntimeException e) {
            return alive() ? "" : " (it exited)";
        }
    }

    private static String command(Path proc) {
        try {
            return Terminal.printable(Files.readString(proc.resolve("comm")).trim());
        } catch (IOException e) {
            return "?";
        }
    }

    private static String userName(Path proc) {
        try {
            String name = Files.getOwner(proc).getName();
            return name.chars().allMatch(Character::isDigit) ? "" : " (" + Terminal.printable(name) + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
