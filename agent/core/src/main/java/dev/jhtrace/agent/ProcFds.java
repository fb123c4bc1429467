package dev.jhtrace.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operating system's view of this process's descriptors: the ground truth that the handle table is
 * checked against. Sockets are described from {@code /proc/net}, so that endpoints are what they are now,
 * not what they were when the socket was created.
 */
final class ProcFds {
    private static final String[] TCP_STATES = {"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    /** How {@link #sockets} describes the agent's control channel sockets ({@link ControlServer}). */
    private static final String CONTROL_SOCKETS = "UNIX /tmp/.jhtrace-";

    private ProcFds() {
    }

    /**
     * @param procDir {@code /proc/self} or {@code /proc/<pid>}
     * @return open descriptor numbers mapped to what they are: a path, {@code pipe:[inode]}, {@code socket:[inode]}
     *     (see {@link Sockets} for endpoints)
     */
    static Map<Integer, String> list(Path procDir) {
        if (NativeHooks.loaded) {
            // one native call instead of a directory stream and a readlink per descriptor through NIO: reports at
            // exit are part of the application's run time
            byte[] listing = NativeHooks.listFds0(procDir.resolve("fd").toString());
            if (listing != null) {
                return parse(new String(listing, JNU_ENCODING));
            }
        }
        Map<Integer, String> fds = new TreeMap<>();
        String ownListing = procDir.resolve("fd").toString().replace("/proc/self/", "/proc/" + ProcessInfo.pid() + "/");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(procDir.resolve("fd"))) {
            for (Path p : dir) {
                int fd;
                try {
                    fd = Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // closed while we listed (a racing close)
                }
                if (target.equals(ownListing)) {
                    continue; // the descriptors of this very listing
                }
                fds.put(fd, target);
            }
        } catch (IOException e) {
            return fds;
        }
        return fds;
    }

    /** How the JDK decodes file names, so that paths read natively read as Java's own I/O would give them. */
    private static final java.nio.charset.Charset JNU_ENCODING = jnuEncoding();

    private static java.nio.charset.Charset jnuEncoding() {
        try {
            return java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return java.nio.charset.StandardCharsets.UTF_8;
        }
    }

    /**
     * @param listing {@code fd\ttarget\0} entries (NUL-terminated: a path can hold a newline, never a NUL)
     * @return descriptor numbers mapped to targets
     */
    static Map<Integer, String> parse(String listing) {
        Map<Integer, String> fds = new TreeMap<>();
        int start = 0;
        while (start < listing.length()) {
            int tab = listing.indexOf('\t', start);
            int end = listing.indexOf('\0', start);
            if (tab < 0 || end < 0 || tab > end) {
                break;
            }
            fds.put(Integer.parseInt(listing.substring(start, tab)), listing.substring(tab + 1, end));
            start = end + 1;
        }
        return fds;
    }

    /**
     * Describes sockets by their endpoints, reading the system's socket tables only if a socket is asked about:
     * they can be long, and most reports (every exit without leaks) need none of them.
     */
    static final class Sockets {
        private final Path procDir;
        private Map<String, String> byInode;

        /** @param procDir {@code /proc/self} or {@code /proc/<pid>} */
        Sockets(Path procDir) {
            this.procDir = procDir;
        }

        /**
         * @param target what {@link #list} says a descriptor is, or {@code null}
         * @return the same, with {@code socket:[inode]} replaced by the socket's endpoints where known
         */
        String describe(String target) {
            if (target == null || !target.startsWith("socket:[")) {
                return target;
            }
            if (byInode == null) {
                byInode = sockets(procDir);
            }
            String described = byInode.get(target.substring(8, target.length() - 1));
            return described != null ? described : target;
        }

        /**
         * @param described a description from {@link #describe}
         * @return whether it is one of the agent's own control channel sockets ({@link ControlServer})
         */
        static boolean isControlChannel(String described) {
            return described != null && described.startsWith(CONTROL_SOCKETS);
        }
    }

    /** @return socket inode mapped to a description such as {@code TCP 127.0.0.1:5000 -> 127.0.0.1:41234 ESTABLISHED} */
    static Map<String, String> sockets(Path procDir) {
        Map<String, String> byInode = new HashMap<>();
        for (String proto : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            boolean tcp = proto.startsWith("tcp");
            for (String[] f : table(procDir.resolve("net").resolve(proto))) {
                if (f.length < 10) {
                    continue;
                }
                int st = Integer.parseInt(f[3], 16);
                String local = address(f[1]);
                String remote = address(f[2]);
                String d;
                if (tcp && st == 10) {
                    d = "TCP " + local + " LISTEN";
                } else if (tcp) {
                    d = "TCP " + local + " -> " + remote + " " + (st < TCP_STATES.length ? TCP_STATES[st] : "?");
                } else {
                    d = remote.endsWith(":0") ? "UDP " + local : "UDP " + local + " -> " + remote;
                }
                byInode.put(f[9], d);
            }
        }
        for (String[] f : table(procDir.resolve("net").resolve("unix"))) {
            if (f.length >= 7) {
                byInode.put(f[6], "UNIX " + (f.length >= 8 ? f[7] : "(unnamed)"));
            }
        }
        return byInode;
    }

    private static List<String[]> table(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<String[]> rows = new java.util.ArrayList<>(lines.size());
            for (int i = 1; i < lines.size(); i++) {
                rows.add(lines.get(i).trim().split("\\s+"));
            }
            return rows;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Decodes {@code 0100007F:1F90} (IPv4) or the 32-hex-digit IPv6 form into {@code 127.0.0.1:8080}. */
    static String address(String hex) {
        int colon = hex.indexOf(':');
        String ip = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        StringBuilder sb = new StringBuilder();
        if (ip.length() == 8) {
            for (int i = 3; i >= 0; i--) {
                sb.append(Integer.parseInt(ip.substring(i * 2, i * 2 + 2), 16));
                if (i > 0) {
                    sb.append('.');
                }
            }
        } else {
            // four little-endian 32-bit words
            byte[] b = new byte[16];
            for (int w = 0; w < 4; w++) {
                for (int i = 0; i < 4; i++) {
                    b[w * 4 + i] = (byte) Integer.parseInt(ip.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
                }
            }
            try {
                java.net.InetAddress a = java.net.InetAddress.getByAddress(b);
                // IPv4-mapped addresses come back as Inet4Address: print them as IPv4
                sb.append(a instanceof java.net.Inet4Address ? a.getHostAddress() : "[" + compress(a.getHostAddress()) + "]");
            } catch (java.net.UnknownHostException e) {
                sb.append(ip);
            }
        }
        return sb.append(':').append(port).toString();
    }

    /** Shortens the longest run of zero groups of an IPv6 address to {@code ::}, as people write it. */
    static String compress(String full) {
        String best = null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|:)(0(?::0)+)(?::|$)").matcher(full);
        while (m.find()) {
            if (best == null || m.group().length() > best.length()) {
                best = m.group();
            }
        }
        return best == null ? full : full.replaceFirst(java.util.regex.Pattern.quote(best), "::");
    }

    /** @return {@code /proc/self} */
    static Path self() {
        return Paths.get("/proc/self");
    }
}
