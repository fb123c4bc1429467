package dev.jhtrace.it.targets;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchService;
import java.security.SecureRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Opens and properly closes handles of many kinds, including calls that make the JDK open long-lived handles
 * of its own (temp files, SecureRandom's /dev/urandom, the default asynchronous channel group, class loading):
 * the report must list no open handle.
 */
public final class CleanTarget {
    public static void main(String[] args) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        Path dir = Files.createTempDirectory("jhtrace-clean");
        Path tmp = Files.createTempFile(dir, "x", ".tmp");
        File legacyTmp = File.createTempFile("jhtrace", ".tmp");
        legacyTmp.deleteOnExit();
        byte[] seed = new byte[16];
        new SecureRandom().nextBytes(seed);
        SecureRandom.getInstanceStrong().nextBytes(new byte[4]);
        Files.writeString(tmp, "hello");
        try (FileInputStream in = new FileInputStream(tmp.toFile()); FileOutputStream out = new FileOutputStream(legacyTmp);
             RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "r"); FileChannel ch = FileChannel.open(tmp)) {
            out.write(in.read());
            raf.read();
            ch.size();
        }
        Files.readAllLines(tmp);
        try (Stream<Path> s = Files.walk(dir)) {
            if (s.count() == 0) { // walked to open and close the directory streams; the count is not the point
                throw new IllegalStateException("the directory vanished");
            }
        }
        Path zip = dir.resolve("a.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("e"));
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.size();
        }
        try (ServerSocket server = new ServerSocket(0, 50, lo); Socket c = new Socket(lo, server.getLocalPort());
             Socket a = server.accept()) {
            c.getOutputStream().write(1);
            a.getInputStream().read();
        }
        try (DatagramSocket d = new DatagramSocket(0, lo); Selector sel = Selector.open(); WatchService w = FileSystems.getDefault().newWatchService()) {
            d.getLocalPort();
            sel.selectNow();
        }
        Pipe pipe = Pipe.open();
        pipe.sink().close();
        pipe.source().close();
        try (AsynchronousFileChannel af = AsynchronousFileChannel.open(tmp)) {
            af.size();
        }
        try (ServerSocket server = new ServerSocket(0, 50, lo); AsynchronousSocketChannel ac = AsynchronousSocketChannel.open()) {
            ac.connect(new InetSocketAddress(lo, server.getLocalPort())).get();
            server.accept().close();
        }
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        p.getOutputStream().close();
        p.getInputStream().close();
        p.getErrorStream().close();
        Class.forName("java.util.logging.Logger"); // class loading
        System.out.println("clean");
    }
}
