package dev.jhtrace.agent.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Leaks grouped by leak site: the innermost frame of a leak's open stack that is the program's own, neither the
 * JDK's, nor jhtrace's, nor a native-access library's. One leaking line reached by several call paths (a server's
 * threads reach a handler by different routes) is one site, with the number of distinct full stacks under it.
 */
public final class LeakSites {
    /** Class-name prefixes of the JDK's classes. */
    private static final String[] JDK = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

    /** Class-name prefixes of frames between the program and the JDK or libc that are not the program's either. */
    private static final String[] NOT_THE_PROGRAMS = {"dev.jhtrace.agent.", "dev.jhtrace.bootstrap.", "com.sun.jna."};

    /**
     * Known frameworks and libraries whose frames stand between the program and the JDK: a leak's site is the
     * program's frame that called them. When a stack has no frame of the program's (a server's own thread), the site
     * is the framework's innermost frame. {@code frameworks=} adds more (docs/report-formats.md#leak-sites).
     */
    static final List<String> KNOWN_FRAMEWORKS = List.of(
            "org.eclipse.jetty.",
            "io.netty.",
            "org.apache.catalina.",
            "org.apache.coyote.",
            "org.apache.tomcat.",
            "io.undertow.",
            "org.springframework.",
            "com.zaxxer.hikari.",
            "org.apache.http.",
            "org.apache.hc.",
            "okhttp3.",
            "okio.",
            "io.grpc.",
            "reactor.",
            "kotlin.",
            "kotlinx.",
            "scala.",
            "org.apache.commons.io.",
            "com.google.common.io.",
            "org.junit.",
            "org.apache.maven.surefire.");

    /** The frameworks in force: the known ones and those {@link #addFrameworks} added. */
    private static volatile String[] frameworks = KNOWN_FRAMEWORKS.toArray(new String[0]);

    /**
     * @param more class-name prefixes ({@code com.example.pool.}) of frames that are not the program's own either
     */
    public static synchronized void addFrameworks(List<String> more) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(List.of(frameworks));
        all.addAll(more);
        frameworks = all.toArray(new String[0]);
    }

    private LeakSites() {}

    /** What {@link #parseFrameworks} expects, for the messages of the option and of {@code check --frameworks}. */
    public static final String FRAMEWORKS_SYNTAX =
            "class-name prefixes separated by ':', like com.example.pool.:org.acme.";

    /**
     * Parses {@code frameworks=} (agent option) and {@code check --frameworks}: one syntax for both.
     *
     * @param value {@code a.b.:c.d.}: Java names only (the agent options' separator ',' cannot be in them, so ':'
     *     separates them)
     * @return the prefixes
     * @throws IllegalArgumentException when a prefix is empty or not made of Java name characters and dots
     */
    public static List<String> parseFrameworks(String value) {
        List<String> list = new java.util.ArrayList<>();
        for (String p : value.split(":", -1)) {
            if (p.isEmpty() || !p.chars().allMatch(c -> Character.isJavaIdentifierPart(c) || c == '.' || c == '$')) {
                throw new IllegalArgumentException("expected " + FRAMEWORKS_SYNTAX);
            }
            list.add(p);
        }
        return List.copyOf(list);
    }

    /**
     * One leak site.
     *
     * @param site      the frame, {@code class.method(File.java:line)}
     * @param count     handles opened there and still open
     * @param reclaimed handles opened there that the GC closed
     * @param kinds     their kinds, sorted
     * @param oldestAt  the oldest open among them (epoch milliseconds)
     * @param newestAt  the newest
     * @param stacks    distinct full open stacks under the site
     */
    public record Site(
            String site, int count, int reclaimed, List<String> kinds, long oldestAt, long newestAt, int stacks) {}

    /**
     * @param r a report
     * @return its leaks (open and reclaimed) by site, the most first (then by site, for a stable order)
     */
    public static List<Site> of(LeakReport r) {
        return of(r.openHandles(), r.reclaimed());
    }

    /**
     * @param open      open handles
     * @param reclaimed handles the GC closed
     * @return them by site, the most first
     */
    public static List<Site> of(List<HandleView> open, List<HandleView> reclaimed) {
        // no lambda or method reference here: each is a class spun at run time, and every report at exit comes here
        Map<String, Builder> bySite = new LinkedHashMap<>();
        for (HandleView h : open) {
            builder(bySite, siteOf(h.stack())).add(h, false);
        }
        for (HandleView h : reclaimed) {
            builder(bySite, siteOf(h.stack())).add(h, true);
        }
        List<Site> sites = new ArrayList<>();
        for (Builder b : bySite.values()) {
            sites.add(b.build());
        }
        sites.sort(MOST_FIRST);
        return sites;
    }

    private static Builder builder(Map<String, Builder> bySite, String site) {
        Builder b = bySite.get(site);
        if (b == null) {
            b = new Builder(site);
            bySite.put(site, b);
        }
        return b;
    }

    /** The most leaks first, then by site. */
    private static final java.util.Comparator<Site> MOST_FIRST = new MostFirst();

    private static final class MostFirst implements java.util.Comparator<Site> {
        @Override
        public int compare(Site a, Site b) {
            return a.count() + a.reclaimed() != b.count() + b.reclaimed()
                    ? Integer.compare(b.count() + b.reclaimed(), a.count() + a.reclaimed())
                    : a.site().compareTo(b.site());
        }
    }

    /**
     * @param stack an open stack, innermost first
     * @return its leak site: the innermost frame of the program's own (neither a framework's nor a library's), else the
     *     innermost framework frame, else the innermost frame, else "(no stack)"
     */
    public static String siteOf(List<StackTraceElement> stack) {
        if (stack == null || stack.isEmpty()) {
            return "(no stack)";
        }
        StackTraceElement framework = null;
        for (StackTraceElement f : stack) {
            if (notTheRuntimes(f)) {
                if (!isFramework(f.getClassName())) {
                    return frame(f);
                }
                framework = framework == null ? f : framework;
            }
        }
        return frame(framework != null ? framework : stack.get(0));
    }

    private static boolean isFramework(String cls) {
        for (String p : frameworks) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param f a frame
     * @return whether it is the program's own: not the JDK's, not jhtrace's, not JNA's, not a known framework's, not a
     *     native frame
     */
    public static boolean isProgram(StackTraceElement f) {
        return notTheRuntimes(f) && !isFramework(f.getClassName());
    }

    /** @return whether it is neither the JDK's, nor jhtrace's, nor JNA's, nor a native frame */
    private static boolean notTheRuntimes(StackTraceElement f) {
        if (NativeFrame.is(f) || isJdk(f.getClassName())) {
            return false;
        }
        for (String p : NOT_THE_PROGRAMS) {
            if (f.getClassName().startsWith(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param cls a class name
     * @return whether it is the JDK's
     */
    public static boolean isJdk(String cls) {
        for (String p : JDK) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** @return {@code class.method(File.java:line)}, without the module a JDK frame's {@code toString} adds */
    static String frame(StackTraceElement f) {
        if (NativeFrame.is(f)) {
            return f.getMethodName();
        }
        String where = f.getFileName() == null
                ? "Unknown Source"
                : f.getLineNumber() >= 0 ? f.getFileName() + ":" + f.getLineNumber() : f.getFileName();
        return f.getClassName() + "." + f.getMethodName() + "(" + where + ")";
    }

    private static final class Builder {
        private final String site;
        private int count;
        private int reclaimed;
        private final Set<String> kinds = new TreeSet<>();
        private long oldest = Long.MAX_VALUE;
        private long newest = Long.MIN_VALUE;
        private final Set<List<StackTraceElement>> stacks = new HashSet<>();

        Builder(String site) {
            this.site = site;
        }

        void add(HandleView h, boolean wasReclaimed) {
            if (wasReclaimed) {
                reclaimed++;
            } else {
                count++;
            }
            kinds.add(String.valueOf(h.kind()));
            oldest = Math.min(oldest, h.openedAt());
            newest = Math.max(newest, h.openedAt());
            stacks.add(h.stack() == null ? List.of() : h.stack());
        }

        Site build() {
            return new Site(site, count, reclaimed, List.copyOf(kinds), oldest, newest, stacks.size());
        }
    }
}
