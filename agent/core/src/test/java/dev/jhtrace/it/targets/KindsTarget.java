package dev.jhtrace.it.targets;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static dev.jhtrace.it.targets.Scenario.line;

/**
 * For every kind of handle: opens one instance and closes it, then opens another and leaks it, each on a
 * line of its own, and prints what really happened ({@link Scenario}). The closed instance comes first so that
 * the JDK's lazily opened handles of that kind (the asynchronous channel group, say) exist before the leak.
 */
public final class KindsTarget {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static Path dir;
    private static Path file;
    private static Path zip;

    interface Body {
        void run(Scenario s) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        awaitControlChannel();
        dir = Files.createTempDirectory("jhtrace-kinds");
        file = Files.writeString(dir.resolve("data.txt"), "line 1\nline 2\n");
        zip = dir.resolve("data.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.write(1);
        }
        Map<String, Body> all = new LinkedHashMap<>();
        all.put("FileInputStream", KindsTarget::fileInputStream);
        all.put("FileOutputStream", KindsTarget::fileOutputStream);
        all.put("RandomAccessFile", KindsTarget::randomAccessFile);
        all.put("FileChannel.open", KindsTarget::fileChannelOpen);
        all.put("Files.newByteChannel", KindsTarget::newByteChannel);
        all.put("Files.newInputStream", KindsTarget::newInputStream);
        all.put("Files.newOutputStream", KindsTarget::newOutputStream);
        all.put("Files.newBufferedReader", KindsTarget::newBufferedReader);
        all.put("Files.newBufferedWriter", KindsTarget::newBufferedWriter);
        all.put("Files.lines", KindsTarget::lines);
        all.put("FileInputStream.getChannel", KindsTarget::getChannel);
        all.put("AsynchronousFileChannel", KindsTarget::asynchronousFileChannel);
        all.put("Files.newDirectoryStream", KindsTarget::newDirectoryStream);
        all.put("Files.list", KindsTarget::list);
        all.put("Files.walk", KindsTarget::walk);
        all.put("Files.find", KindsTarget::find);
        all.put("ZipFile", KindsTarget::zipFile);
        all.put("JarFile", KindsTarget::jarFile);
        all.put("Socket", KindsTarget::socket);
        all.put("Socket.accepted", KindsTarget::acceptedSocket);
        all.put("Socket.boundUnconnected", KindsTarget::boundSocket);
        all.put("ServerSocket", KindsTarget::serverSocket);
        all.put("SocketChannel", KindsTarget::socketChannel);
        all.put("SocketChannel.accepted", KindsTarget::acceptedSocketChannel);
        all.put("ServerSocketChannel", KindsTarget::serverSocketChannel);
        all.put("DatagramSocket", KindsTarget::datagramSocket);
        all.put("DatagramChannel", KindsTarget::datagramChannel);
        all.put("AsynchronousSocketChannel", KindsTarget::asynchronousSocketChannel);
        all.put("AsynchronousServerSocketChannel", KindsTarget::asynchronousServerSocketChannel);
        all.put("Selector", KindsTarget::selector);
        all.put("Pipe", KindsTarget::pipe);
        all.put("WatchService", KindsTarget::watchService);
        all.put("Process", KindsTarget::process);
        System.out.println("SCENARIOS " + all.size()); // the test checks every one of them reported
        for (Map.Entry<String, Body> e : all.entrySet()) {
            if (args.length > 0 && !java.util.Arrays.asList(args).contains(e.getKey())) {
                continue;
            }
            Scenario s = new Scenario(e.getKey());
            e.getValue().run(s);
            s.print();
        }
    }

    static void fileInputStream(Scenario s) throws Exception {
        s.begin();
        FileInputStream c = new FileInputStream(file.toFile()); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new FileInputStream(file.toFile()));
    }

    static void fileOutputStream(Scenario s) throws Exception {
        s.begin();
        FileOutputStream c = new FileOutputStream(dir.resolve("out1").toFile()); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new FileOutputStream(dir.resolve("out2").toFile()));
    }

    static void randomAccessFile(Scenario s) throws Exception {
        s.begin();
        RandomAccessFile c = new RandomAccessFile(file.toFile(), "r"); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new RandomAccessFile(file.toFile(), "rw"));
    }

    static void fileChannelOpen(Scenario s) throws Exception {
        s.begin();
        FileChannel c = FileChannel.open(file); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), FileChannel.open(file, StandardOpenOption.READ));
    }

    static void newByteChannel(Scenario s) throws Exception {
        s.begin();
        SeekableByteChannel c = Files.newByteChannel(file); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.newByteChannel(file));
    }

    static void newInputStream(Scenario s) throws Exception {
        s.begin();
        InputStream c = Files.newInputStream(file); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.newInputStream(file));
    }

    static void newOutputStream(Scenario s) throws Exception {
        s.begin();
        OutputStream c = Files.newOutputStream(dir.resolve("out3")); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.newOutputStream(dir.resolve("out4")));
    }

    static void newBufferedReader(Scenario s) throws Exception {
        s.begin();
        BufferedReader c = Files.newBufferedReader(file); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.newBufferedReader(file));
    }

    static void newBufferedWriter(Scenario s) throws Exception {
        s.begin();
        BufferedWriter c = Files.newBufferedWriter(dir.resolve("out5")); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.newBufferedWriter(dir.resolve("out6")));
    }

    static void lines(Scenario s) throws Exception {
        s.begin();
        Stream<String> c = Files.lines(file); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.lines(file));
    }

    static void getChannel(Scenario s) throws Exception {
        s.begin();
        FileChannel c = new FileInputStream(file.toFile()).getChannel(); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new FileInputStream(file.toFile()).getChannel());
    }

    static void asynchronousFileChannel(Scenario s) throws Exception {
        s.begin();
        AsynchronousFileChannel c = AsynchronousFileChannel.open(file); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), AsynchronousFileChannel.open(file));
    }

    static void newDirectoryStream(Scenario s) throws Exception {
        s.begin();
        DirectoryStream<Path> c = Files.newDirectoryStream(dir); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.newDirectoryStream(dir));
    }

    static void list(Scenario s) throws Exception {
        s.begin();
        Stream<Path> c = Files.list(dir); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.list(dir));
    }

    static void walk(Scenario s) throws Exception {
        s.begin();
        Stream<Path> c = Files.walk(dir); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.walk(dir));
    }

    static void find(Scenario s) throws Exception {
        s.begin();
        Stream<Path> c = Files.find(dir, 1, (p, a) -> true); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Files.find(dir, 1, (p, a) -> true));
    }

    static void zipFile(Scenario s) throws Exception {
        s.begin();
        ZipFile c = new ZipFile(zip.toFile()); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new ZipFile(zip.toFile()));
    }

    static void jarFile(Scenario s) throws Exception {
        Path jar = Files.copy(zip, dir.resolve("data.jar"));
        s.begin();
        JarFile c = new JarFile(jar.toFile()); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new JarFile(jar.toFile()));
    }

    /**
     * The agent opens its control channel a moment after start-up, on a thread of its own: had it done so between
     * a scenario's two listings of /proc/self/fd, its socket would count as the scenario's. The native start reaches
     * main sooner, so that moment fell among the socket scenarios. Waits for it (5 s at most: without a channel, on).
     */
    private static void awaitControlChannel() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path socket = Path.of("/tmp", ".jhtrace-" + uid, ProcessHandle.current().pid() + ".sock");
        for (int i = 0; i < 250 && !Files.exists(socket); i++) {
            Thread.sleep(20);
        }
        Thread.sleep(50); // the listen after the bind
    }

    static void socket(Scenario s) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            s.begin();
            Socket c = new Socket(LOOPBACK, server.getLocalPort()); s.opened(line());
            c.close(); s.closed(line());
            s.begin();
            s.leaked(line(), new Socket(LOOPBACK, server.getLocalPort()));
            server.accept().close();
            server.accept().close();
        }
    }

    static void acceptedSocket(Scenario s) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
             Socket client1 = new Socket(LOOPBACK, server.getLocalPort());
             Socket client2 = new Socket(LOOPBACK, server.getLocalPort())) {
            s.begin();
            Socket c = server.accept(); s.opened(line());
            c.close(); s.closed(line());
            s.begin();
            s.leaked(line(), server.accept());
        }
    }

    static void boundSocket(Scenario s) throws Exception {
        s.begin();
        Socket c = new Socket(); c.bind(new InetSocketAddress(LOOPBACK, 0)); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        Socket leaked = new Socket(); leaked.bind(new InetSocketAddress(LOOPBACK, 0)); s.leaked(line(), leaked);
    }

    static void serverSocket(Scenario s) throws Exception {
        s.begin();
        ServerSocket c = new ServerSocket(0, 50, LOOPBACK); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new ServerSocket(0, 50, LOOPBACK));
    }

    static void socketChannel(Scenario s) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            s.begin();
            SocketChannel c = SocketChannel.open(server.getLocalAddress()); s.opened(line());
            c.close(); s.closed(line());
            s.begin();
            s.leaked(line(), SocketChannel.open(server.getLocalAddress()));
            server.accept().close();
            server.accept().close();
        }
    }

    static void acceptedSocketChannel(Scenario s) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
             SocketChannel client1 = SocketChannel.open(server.getLocalAddress());
             SocketChannel client2 = SocketChannel.open(server.getLocalAddress())) {
            s.begin();
            SocketChannel c = server.accept(); s.opened(line());
            c.close(); s.closed(line());
            s.begin();
            s.leaked(line(), server.accept());
        }
    }

    static void serverSocketChannel(Scenario s) throws Exception {
        s.begin();
        ServerSocketChannel c = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
    }

    static void datagramSocket(Scenario s) throws Exception {
        s.begin();
        DatagramSocket c = new DatagramSocket(0, LOOPBACK); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), new DatagramSocket(0, LOOPBACK));
    }

    static void datagramChannel(Scenario s) throws Exception {
        s.begin();
        DatagramChannel c = DatagramChannel.open(); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), DatagramChannel.open());
    }

    static void asynchronousSocketChannel(Scenario s) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            AsynchronousSocketChannel.open().close(); // creates the JDK's default channel group: the runtime's, before begin()
            s.begin();
            AsynchronousSocketChannel c = AsynchronousSocketChannel.open(); s.opened(line());
            c.connect(to).get();
            c.close(); s.closed(line());
            s.begin();
            AsynchronousSocketChannel leaked = AsynchronousSocketChannel.open(); s.leaked(line(), leaked);
            leaked.connect(to).get();
            server.accept().close();
            server.accept().close();
        }
    }

    static void asynchronousServerSocketChannel(Scenario s) throws Exception {
        s.begin();
        AsynchronousServerSocketChannel c = AsynchronousServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), AsynchronousServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
    }

    static void selector(Scenario s) throws Exception {
        s.begin();
        Selector c = Selector.open(); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), Selector.open());
    }

    static void pipe(Scenario s) throws Exception {
        s.begin();
        Pipe c = Pipe.open(); s.opened(line());
        c.source().close(); c.sink().close(); s.closed(line());
        s.begin();
        s.leaked(line(), Pipe.open());
    }

    static void watchService(Scenario s) throws Exception {
        s.begin();
        WatchService c = FileSystems.getDefault().newWatchService(); s.opened(line());
        c.close(); s.closed(line());
        s.begin();
        s.leaked(line(), FileSystems.getDefault().newWatchService());
    }

    static void process(Scenario s) throws Exception {
        s.begin();
        Process c = new ProcessBuilder("sleep", "20").start(); s.opened(line());
        c.getOutputStream().close(); c.getInputStream().close(); c.getErrorStream().close(); s.closed(line());
        c.destroy();
        c.waitFor();
        s.begin();
        s.leaked(line(), new ProcessBuilder("sleep", "3").start());
    }
}
