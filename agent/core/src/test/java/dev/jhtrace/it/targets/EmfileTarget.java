package dev.jhtrace.it.targets;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs out of descriptors ("Too many open files"), as the programs jhtrace is for do. Argument {@code io} opens
 * with java.io, {@code nio} with Files.newByteChannel. It stays at the limit for a second (the agent's control
 * channel starts meanwhile), frees half, then uses what an agent could have broken for it (MessageDigest,
 * SecureRandom, a Unix socket, a TCP socket, JMX) and prints {@code USE name ok|failed ...} for each, then
 * {@code READY pid}. On {@code exit} it runs out of descriptors again and returns: the report is written at the limit.
 * With a second argument {@code stay} it stays at the limit for two seconds, taking every descriptor that comes
 * free, and exits holding them all. Property {@code jhtrace.test.emfileText} is the text of EMFILE in the locale it runs in (English by default).
 */
public final class EmfileTarget {
    private static final List<Closeable> OPEN = new ArrayList<>();
    /** EMFILE's text in the locale the test runs this in: any other failure is one the agent caused, and rethrown. */
    private static final String EMFILE_TEXT = System.getProperty("jhtrace.test.emfileText", "Too many open files");

    public static void main(String[] args) throws Exception {
        boolean nio = args.length > 0 && args[0].equals("nio");
        Path file = Files.createTempFile("jhtrace-emfile", ".txt");
        file.toFile().deleteOnExit();
        int line = exhaust(file, nio);
        System.out.println("EMFILE " + line + " " + OPEN.size());
        if (args.length > 1 && args[1].equals("stay")) {
            // at the limit to the end, taking every descriptor that comes free (a server retrying its accepts)
            for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() - end < 0; ) {
                try {
                    exhaust(file, nio);
                } catch (IOException e) {
                    // retried
                }
            }
            System.out.flush();
            return;
        }
        Thread.sleep(1_000);
        for (int i = OPEN.size() / 2; i > 0; i--) {
            OPEN.remove(OPEN.size() - 1).close();
        }
        use("digest", () -> MessageDigest.getInstance("SHA-256").digest(new byte[1]));
        use("random", () -> new SecureRandom().nextInt());
        use("unix", () -> {
            Path sock = Files.createTempDirectory("jhtrace-emfile").resolve("s.sock");
            try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.bind(UnixDomainSocketAddress.of(sock));
            }
            Files.delete(sock);
            Files.delete(sock.getParent());
            return null;
        });
        use("tcp", () -> {
            new ServerSocket(0).close();
            return null;
        });
        use("jmx", () -> ManagementFactory.getPlatformMBeanServer().getMBeanCount());
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String l = in.readLine(); l != null && !l.equals("exit"); l = in.readLine()) {
            System.out.println("UNKNOWN " + l);
        }
        System.out.println("EMFILE " + exhaust(file, nio) + " " + OPEN.size());
        System.out.flush();
    }

    /** @return the line that opened the descriptors, once one more cannot be had */
    private static int exhaust(Path file, boolean nio) throws IOException {
        int line = 0;
        while (true) {
            try {
                if (nio) {
                    OPEN.add(Files.newByteChannel(file)); line = Scenario.line();
                } else {
                    OPEN.add(new FileInputStream(file.toFile())); line = Scenario.line();
                }
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains(EMFILE_TEXT)) {
                    return line;
                }
                throw e;
            }
        }
    }

    private interface Use {
        Object run() throws Exception;
    }

    private static void use(String name, Use use) {
        try {
            use.run();
            System.out.println("USE " + name + " ok");
        } catch (Throwable t) {
            System.out.println("USE " + name + " failed " + t);
        }
    }
}
