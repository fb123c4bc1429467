package dev.jhtrace.agent;

import dev.jhtrace.agent.hook.JdkAccess;
import java.io.FileDescriptor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The connections HttpURLConnection's keep-alive cache holds idle now, by descriptor number.
 *
 * <p>Why a look at the cache rather than the open stack: every connection HttpURLConnection makes is opened under
 * {@code sun.net.www.http.HttpClient}, the one the program is still reading as much as the one the JDK keeps for
 * reuse. Only the second is the JDK's: a response stream the program never reads to the end nor closes keeps its
 * connection out of the cache, open for good, and that is the program's leak, at the line that opened it.
 *
 * <p>The cache ({@code HttpClient.kac}, a map of deques of entries) is read without its lock, which is the JDK's: a
 * read that meets a change is taken again, three times at most, and then counts as not knowing ({@code null}), when
 * every connection opened under {@code HttpClient} is taken for the JDK's, as before this look existed.
 */
final class KeepAliveConnections {
    private static final int ATTEMPTS = 3;

    private KeepAliveConnections() {}

    /**
     * @return the descriptor numbers of the connections idle in the cache now, or null when the cache cannot be read
     */
    static Set<Integer> idle() {
        Object cache = JdkAccess.staticField("sun.net.www.http.HttpClient", "kac");
        if (!(cache instanceof Map)) {
            return null;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return read((Map<?, ?>) cache);
            } catch (RuntimeException e) {
                // changed while read (ConcurrentModificationException, a slot seen half-written): again
            }
        }
        return null;
    }

    private static Set<Integer> read(Map<?, ?> cache) {
        Set<Integer> fds = new HashSet<>();
        for (Object connections : cache.values().toArray()) {
            if (!(connections instanceof Iterable)) {
                continue;
            }
            for (Object entry : (Iterable<?>) connections) {
                Object socket = JdkAccess.field(JdkAccess.field(entry, "hc"), "serverSocket");
                int fd = socketFd(socket);
                if (fd >= 0) {
                    fds.add(fd);
                }
            }
        }
        return fds;
    }

    private static int socketFd(Object socket) {
        Object impl = JdkAccess.field(socket, "impl");
        FileDescriptor d = JdkAccess.descriptorOf(impl);
        if (d == null) {
            d = JdkAccess.descriptorOf(JdkAccess.field(impl, "delegate")); // a SOCKS or proxy impl wraps the platform's
        }
        return d != null ? JdkAccess.fdValue(d) : -1;
    }
}
