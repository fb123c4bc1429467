package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

import static dev.jhtrace.it.targets.Scenario.line;

/**
 * Uses handles after closing them, as buggy programs do, and goes on. For each prints
 * {@code BAD name|fd|closeLine|useLine}; the use is on the same line as the print.
 */
public final class BadReferenceTarget {
    private static TreeSet<Integer> mark;

    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-bad", ".txt"), "x");
        InetAddress lo = InetAddress.getLoopbackAddress();

        mark();
        FileInputStream in = new FileInputStream(file.toFile());
        int fd = newFd();
        in.close(); int closeLine = line();
        try {
            bad("FileInputStream.read", fd, closeLine, line()); in.read();
        } catch (IOException expected) {
            // the program's bug: it goes on
        }

        mark();
        FileOutputStream out = new FileOutputStream(file.toFile(), true);
        fd = newFd();
        out.close(); closeLine = line();
        try {
            bad("FileOutputStream.write", fd, closeLine, line()); out.write(1);
        } catch (IOException expected) {
            // ignored
        }

        mark();
        FileChannel ch = FileChannel.open(file);
        fd = newFd();
        ch.close(); closeLine = line();
        try {
            bad("FileChannel.read", fd, closeLine, line()); ch.read(ByteBuffer.allocate(1));
        } catch (IOException expected) {
            // ignored
        }

        try (ServerSocket server = new ServerSocket(0, 50, lo)) {
            mark();
            Socket s = new Socket(lo, server.getLocalPort());
            fd = newFd();
            InputStream sin = s.getInputStream();
            s.close(); closeLine = line();
            try {
                bad("Socket.read", fd, closeLine, line()); sin.read();
            } catch (IOException expected) {
                // ignored
            }
        }
    }

    private static void bad(String name, int fd, int closeLine, int useLine) {
        System.out.println("BAD " + name + "|" + fd + "|" + closeLine + "|" + useLine);
    }

    private static void mark() {
        mark = Scenario.fds();
    }

    private static int newFd() {
        TreeSet<Integer> now = Scenario.fds();
        now.removeAll(mark);
        if (now.size() != 1) {
            throw new IllegalStateException("expected one new fd, got " + now);
        }
        return now.first();
    }
}
