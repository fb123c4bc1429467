package dev.jhtrace.agent.cli;

import dev.jhtrace.agent.HtraceCommand;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A process the CLI was asked to control: checked (exists, same user, a JVM) before anything is sent, and
 * reached through its agent's control channel, loading the agent first when {@code -enable} asks for it.
 */
final class Target {
    private static final long AGENT_START_TIMEOUT_MILLIS = 15_000;

    /** A one-line reason the command cannot be carried out. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final long pid;
    private final int uid;

    private Target(long pid, int uid) {
        this.pid = pid;
        this.uid = uid;
    }

    /**
     * @param pid the process
     * @return the target, once it is known to be a JVM of this user
     * @throws Refused otherwise
     */
    static Target check(long pid) throws Refused {
        Path proc = Paths.get("/proc", Long.toString(pid));
        if (!Files.isDirectory(proc)) {
            throw new Refused("no process " + pid);
        }
        int me;
        int owner;
        try {
            me = (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            owner = (Integer) Files.getAttribute(proc, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new Refused("no process " + pid);
        }
        if (owner != me) {
            throw new Refused("process " + pid + " belongs to uid " + owner + " (" + userName(proc) + "), not to you (uid " + me
                    + "): jhtrace controls only processes of its own user");
        }
        String maps;
        try {
            maps = Files.readString(proc.resolve("maps"));
        } catch (IOException e) {
            throw new Refused("cannot inspect process " + pid + " (" + command(proc) + "): /proc/" + pid + "/maps is not readable");
        }
        if (!maps.contains("/libjvm.so")) {
            throw new Refused("process " + pid + " (" + command(proc) + ") is not a Java VM");
        }
        return new Target(pid, me);
    }

    /**
     * @param command what to do
     * @return the agent's answer
     * @throws Refused if the agent is absent (and not to be loaded), cannot be loaded, or refuses
     */
    String send(HtraceCommand command) throws Refused {
        Path socket = Paths.get("/tmp", ".jhtrace-" + uid, pid + ".sock");
        String prefix = "";
        if (!Files.exists(socket)) {
            if (command.op() != HtraceCommand.Op.ENABLE) {
                throw new Refused("jhtrace is not enabled in process " + pid + "; run: jhtrace " + pid + " -enable");
            }
            AgentLoader.load(pid, command.maxTraces() >= 0 ? "max=" + command.maxTraces() : "");
            waitFor(socket);
            prefix = "Agent loaded into process " + pid + ".\n";
        }
        String answer = exchange(socket, String.join(" ", command.words()));
        if (answer.startsWith("OK\n")) {
            return prefix + answer.substring(3);
        }
        if (answer.startsWith("ERR ")) {
            throw new Refused(answer.substring(4).trim());
        }
        throw new Refused("unexpected answer from process " + pid + ": " + answer.lines().findFirst().orElse("(nothing)"));
    }

    private void waitFor(Path socket) throws Refused {
        long deadline = System.currentTimeMillis() + AGENT_START_TIMEOUT_MILLIS;
        while (!Files.exists(socket)) {
            if (System.currentTimeMillis() > deadline) {
                throw new Refused("the agent was loaded into process " + pid + " but its control channel did not appear in "
                        + AGENT_START_TIMEOUT_MILLIS / 1000 + " s; see the process's stderr");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted");
            }
        }
    }

    private String exchange(Path socket, String request) throws Refused {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(65536);
            while (ch.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Refused("cannot reach the agent in process " + pid + " (" + e.getMessage() + ")"
                    + (Files.exists(socket) ? "" : "; is the process still running?"));
        }
    }

    private static String command(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String userName(Path proc) {
        try {
            return Files.getOwner(proc, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            return "?";
        }
    }
}
