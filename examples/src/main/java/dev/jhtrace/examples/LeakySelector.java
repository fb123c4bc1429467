package dev.jhtrace.examples;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * An event loop that is created and never shut down: its Selector holds two descriptors (epoll and its
 * wakeup eventfd) and its Pipe two more. One properly closed pair shows what jhtrace leaves out.
 */
public final class LeakySelector {
    private static final List<Object> KEEP = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Selector selector = Selector.open(); // leaked: 2 fds
        Pipe pipe = Pipe.open(); // leaked: 2 fds
        KEEP.add(selector);
        KEEP.add(pipe);
        try (Selector closed = Selector.open()) {
            Pipe closedPipe = Pipe.open();
            closedPipe.source().close();
            closedPipe.sink().close();
        }
        System.out.println("leaked a selector and a pipe");
    }
}
