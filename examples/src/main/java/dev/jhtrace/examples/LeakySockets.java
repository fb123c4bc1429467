package dev.jhtrace.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that forgets to close its connections: each request leaks one client socket, and the server
 * side's accepted socket with it.
 */
public final class LeakySockets {
    private static final List<Socket> KEEP = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 2; i++) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); // leaked
                client.getOutputStream().write(i);
                KEEP.add(client);
                Socket accepted = server.accept(); // leaked
                KEEP.add(accepted);
            }
            try (Socket closed = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket acceptedClosed = server.accept()) {
                closed.getOutputStream().write(9);
            }
        }
        System.out.println("leaked " + KEEP.size() + " sockets");
    }
}
