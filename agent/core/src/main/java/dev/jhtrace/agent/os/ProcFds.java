package dev.jhtrace.agent.os;

import dev.jhtrace.agent.control.ControlServer;
import dev.jhtrace.agent.jni.NativeHooks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operating system's view of this process's descriptors: the ground truth that the handle table is
 * checked against. Sockets are described from {@code /proc/net}, so that endpoints are what they are now,
 * not what they were when the socket was created.
 */
public final class ProcFds {
    private static final String[] TCP_STATES = {
        "",
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING"
    };

    /** How {@link #sockets} describes the agent's control channel sockets ({@link ControlServer}). */
    private static final String CONTROL_SOCKETS = "UNIX /tmp/.jhtrace-";

    private ProcFds() {}

    /**
     * @param procDir {@code /proc/self} or {@code /proc/<pid>}
     * @return open descriptor numbers mapped to what they are: a path, {@code pipe:[inode]}, {@code socket:[inode]}
     *     (see {@link Sockets} for endpoints)
     */
    public static Map<Integer, String> list(Path procDir) {
        try {
            return listOrFail(procDir);
        } catch (IOException e) {
            return new TreeMap<>();
        }
    }

    /**
     * As {@link #list}, for a report: an empty listing would say that nothing is open.
     *
     * @param procDir {@code /proc/self} or {@code /proc/<pid>}
     * @return the descriptors and what each is
     * @throws IOException if the directory cannot be listed (no descriptor left to list it with)
     */
    public static Map<Integer, String> listOrFail(Path procDir) throws IOException {
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
    public static final class Sockets {
        private final Path procDir;
        private final java.util.Set<String> wanted = new java.util.HashSet<>();
        private Map<String, String> byInode;

        /**
         * @param procDir {@code /proc/self} or {@code /proc/<pid>}
         * @param fds     the descriptors that may be asked about ({@link #list}): only their sockets are looked up
         */
        public Sockets(Path procDir, Map<Integer, String> fds) {
            this.procDir = procDir;
            for (String target : fds.values()) {
                if (target != null && target.startsWith("socket:[") && target.endsWith("]")) {
                    wanted.add(target.substring(8, target.length() - 1));
                }
            }
        }

        /**
         * @param target what {@link #list} says a descriptor is, or {@code null}
         * @return the same, with {@code socket:[inode]} replaced by the socket's endpoints where known
         */
        public String describe(String target) {
            if (target == null || !target.startsWith("socket:[")) {
                return target;
            }
            if (byInode == null) {
                byInode = sockets(procDir, wanted);
            }
            String described = byInode.get(target.substring(8, target.length() - 1));
            return described != null ? described : target;
        }

        /**
         * @param described a description from {@link #describe}
         * @return whether it is one of the agent's own control channel sockets ({@link ControlServer})
         */
        public static boolean isControlChannel(String described) {
            return described != null && described.startsWith(CONTROL_SOCKETS);
        }
    }

    /**
     * Reads the system's socket tables line by line, keeping only the sockets asked for: a host can have tens of
     * thousands of sockets in this network namespace, and a report must not need memory in proportion to them (a
     * test fork with {@code -Xmx25M} wrote no report at all when the tables were read whole).
     *
     * @param procDir {@code /proc/self} or {@code /proc/<pid>}
     * @param wanted  socket inodes to describe
     * @return those inodes mapped to descriptions such as {@code TCP 127.0.0.1:5000 -> 127.0.0.1:41234 ESTABLISHED}
     */
    static Map<String, String> sockets(Path procDir, java.util.Set<String> wanted) {
        Map<String, String> byInode = new HashMap<>();
        for (String proto : new String[] {"tcp", "tcp6", "udp", "udp6", "unix"}) {
            if (byInode.size() == wanted.size()) {
                break; // every socket asked about is found: the rest of the tables need not be read
            }
            boolean unix = proto.equals("unix");
            boolean tcp = proto.startsWith("tcp");
            // paths decoded as the JDK decodes file names; a malformed byte must not end the table
            java.nio.charset.CharsetDecoder decoder = JNU_ENCODING
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    Files.newInputStream(procDir.resolve("net").resolve(proto)), decoder))) {
                r.readLine(); // the header
                String next = r.readLine();
                while (next != null) {
                    String line = next;
                    next = r.readLine();
                    // the kernel prints a Unix socket's path raw: a newline in it continues the row on the next line
                    while (unix && next != null && !isUnixRow(next)) {
                        line = line + "\n" + next;
                        next = r.readLine();
                    }
                    try {
                        String[] f = fields(line, unix ? 8 : 10, unix);
                        String inode = f[unix ? 6 : 9];
                        if (inode == null || !wanted.contains(inode)) {
                            continue;
                        }
                        byInode.put(inode, unix ? "UNIX " + (f[7] != null ? f[7] : "(unnamed)") : inet(f, tcp));
                    } catch (RuntimeException malformed) {
                        // one row this parser does not understand: the others still count
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a table this kernel does not have (no IPv6): its sockets stay socket:[inode]
            }
        }
        return byInode;
    }

    /** @return whether a line of {@code /proc/net/unix} starts a row ({@code <16 hex digits>: }), not a path's rest */
    static boolean isUnixRow(String line) {
        if (line.length() < 18 || line.charAt(16) != ':' || line.charAt(17) != ' ') {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            if (Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the first {@code n} whitespace-separated fields of a line; with {@code restInLast} the last one takes the
     *     rest of the line (a Unix socket's path may hold spaces)
     */
    private static String[] fields(String line, int n, boolean restInLast) {
        String[] f = new String[n];
        int i = 0;
        int len = line.length();
        for (int k = 0; k < n; k++) {
            while (i < len && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= len) {
                break;
            }
            int start = i;
            if (k == n - 1 && restInLast) {
                f[k] = line.substring(start);
                break;
            }
            while (i < len && line.charAt(i) != ' ') {
                i++;
            }
            f[k] = line.substring(start, i);
        }
        return f;
    }

    private static String inet(String[] f, boolean tcp) {
        int st = Integer.parseInt(f[3], 16);
        String local = address(f[1]);
        String remote = address(f[2]);
        if (tcp && st == 10) {
            return "TCP " + local + " LISTEN";
        } else if (tcp) {
            return "TCP " + local + " -> " + remote + " " + (st < TCP_STATES.length ? TCP_STATES[st] : "?");
        }
        return remote.endsWith(":0") ? "UDP " + local : "UDP " + local + " -> " + remote;
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
                    b[w * 4 + i] =
                            (byte) Integer.parseInt(ip.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
                }
            }
            try {
                java.net.InetAddress a = java.net.InetAddress.getByAddress(b);
                // IPv4-mapped addresses come back as Inet4Address: print them as IPv4
                sb.append(
                        a instanceof java.net.Inet4Address
                                ? a.getHostAddress()
                                : "[" + compress(a.getHostAddress()) + "]");
            } catch (java.net.UnknownHostException e) {
                sb.append(ip);
            }
        }
        return sb.append(':').append(port).toString();
    }

    /** Shortens the longest run of zero groups of an IPv6 address to {@code ::}, as people write it. */
    static String compress(String full) {
        String best = null;
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?:^|:)(0(?::0)+)(?::|$)").matcher(full);
        while (m.find()) {
            if (best == null || m.group().length() > best.length()) {
                best = m.group();
            }
        }
        return best == null ? full : full.replaceFirst(java.util.regex.Pattern.quote(best), "::");
    }

    /** @return {@code /proc/self} */
    public static Path self() {
        return Paths.get("/proc/self");
    }
}
