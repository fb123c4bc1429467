package dev.jhtrace.it.targets;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A process that pretends to be a jhtrace agent: binds a Unix socket where the CLI looks for one and answers every
 * connection with success and terminal escapes. Prints {@code LISTENING} once bound; runs until killed.
 */
public final class FakeAgent {
    /** What it answers: "success", a window title, a clear screen, and a fake finding. */
    public static final String ANSWER = "OK\n\u001b]0;owned\u0007\u001b[2Jno leaks here\n";

    private FakeAgent() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Paths.get(args[0]);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println("LISTENING");
            System.out.flush();
            while (true) {
                try (SocketChannel c = server.accept()) {
                    c.read(ByteBuffer.allocate(4096));
                    c.write(ByteBuffer.wrap(ANSWER.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }
}
