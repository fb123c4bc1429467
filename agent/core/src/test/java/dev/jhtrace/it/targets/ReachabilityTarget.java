package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Closes a handle, drops it and calls {@code System.gc()} at once, twenty times per kind: prints how many of the
 * closed objects the collector took ({@code COLLECTED kind n/20}). Without an agent every one is collected; an agent
 * that still refers to a closed stream (an event not yet processed) keeps it alive.
 */
public final class ReachabilityTarget {
    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-reach", ".txt"), "x");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (String kind : new String[] {"FileInputStream", "FileOutputStream", "RandomAccessFile", "FileChannel", "Socket"}) {
                int collected = 0;
                for (int i = 0; i < 20; i++) {
                    WeakReference<Object> ref = new WeakReference<>(openAndClose(kind, file, server));
                    System.gc();
                    collected += ref.get() == null ? 1 : 0;
                }
                System.out.println("COLLECTED " + kind + " " + collected + "/20");
            }
        } finally {
            Files.delete(file);
        }
    }

    private static Object openAndClose(String kind, Path file, ServerSocket server) throws Exception {
        AutoCloseable c = switch (kind) {
            case "FileInputStream" -> new FileInputStream(file.toFile());
            case "FileOutputStream" -> new FileOutputStream(file.toFile(), true);
            case "RandomAccessFile" -> new RandomAccessFile(file.toFile(), "r");
            case "FileChannel" -> FileChannel.open(file);
            default -> new Socket(server.getInetAddress(), server.getLocalPort());
        };
        c.close();
        return c;
    }
}
