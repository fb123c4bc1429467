package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Puts the hooks into the JDK classes of the {@link HookPoints} table, when they are retransformed at start
 * and when they load later; every other class is passed over after one map lookup by name.
 *
 * <p>Only classes of the bootstrap loader are touched: the hooked classes all live in {@code java.base} and
 * {@code java.management}, and an application class of the same name is not the JDK's. A class that cannot be
 * instrumented is left as it is and named once in the warnings; its handles then show up as untraced.
 */
final class HookTransformer {
    private final List<HookPoint> table;
    private final Map<String, int[]> sitesByClass = new HashMap<>();
    private final AtomicIntegerArray matched;
    private final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Rewrites kept between runs, or null. */
    private final TransformCache cache;

    /** @param table all hook points; a point's index is the site its hook passes */
    HookTransformer(List<HookPoint> table) {
        this(table, null);
    }

    /**
     * @param table all hook points; a point's index is the site its hook passes
     * @param cache rewrites kept between runs, or null for none
     */
    HookTransformer(List<HookPoint> table, TransformCache cache) {
        this.table = table;
        this.cache = cache;
        this.matched = new AtomicIntegerArray(table.size());
        Map<String, List<Integer>> byClass = new HashMap<>();
        for (int i = 0; i < table.size(); i++) {
            String name = table.get(i).type().replace('.', '/');
            List<Integer> sites = byClass.get(name);
            if (sites == null) {
                sites = new ArrayList<>();
                byClass.put(name, sites);
            }
            sites.add(i);
        }
        for (Map.Entry<String, List<Integer>> e : byClass.entrySet()) {
            int[] sites = new int[e.getValue().size()];
            for (int i = 0; i < sites.length; i++) {
                sites[i] = e.getValue().get(i);
            }
            sitesByClass.put(e.getKey(), sites);
        }
    }

    /**
     * @param internalName a class's internal name ({@code java/io/FileDescriptor})
     * @return whether it holds hook points
     */
    boolean hooks(String internalName) {
        return sitesByClass.containsKey(internalName);
    }

    /** @return the internal names of the classes that hold hook points */
    String[] hookedClasses() {
        return sitesByClass.keySet().toArray(new String[0]);
    }

    /**
     * @param className a bootstrap loader's class's internal name (the start's instrumentation passes over the
     *     other loaders' classes)
     * @param bytes     its class file
     * @return the class file with its hooks, or null to leave the class as it is
     */
    byte[] transform(String className, byte[] bytes) {
        int[] sites = className != null ? sitesByClass.get(className) : null;
        if (sites == null) {
            return null;
        }
        seen.add(className);
        TransformCache.Entry kept = cache != null ? cache.find(className, bytes) : null;
        if (kept != null) {
            for (int site : kept.matched) {
                if (site >= 0 && site < table.size()) {
                    matched.set(site, 1);
                }
            }
            return kept.transformed;
        }
        try {
            AtomicIntegerArray found = new AtomicIntegerArray(table.size());
            byte[] out = rewrite(bytes, sites, found);
            int[] hits = hits(found, true);
            if (cache != null) {
                cache.add(className, bytes, out, hits);
            }
            return out;
        } catch (Throwable t) {
            String name = className.replace('/', '.');
            failed.add(name + " (" + t + ")");
            AgentLog.once(
                    "transform:" + name,
                    "jhtrace: " + name + " could not be instrumented (" + t + "); its handles are untraced");
            return null;
        }
    }

    private byte[] rewrite(byte[] bytes, int[] sites, AtomicIntegerArray found) {
        return HookRewriter.rewrite(table, bytes, sites, found);
    }

    /** @return the sites found in one class; with inThisRun, also counted as matched in this run */
    private int[] hits(AtomicIntegerArray found, boolean inThisRun) {
        int n = 0;
        for (int i = 0; i < found.length(); i++) {
            n += found.get(i) != 0 ? 1 : 0;
        }
        int[] hits = new int[n];
        for (int i = 0, k = 0; i < found.length(); i++) {
            if (found.get(i) != 0) {
                if (inThisRun) {
                    matched.set(i, 1);
                }
                hits[k++] = i;
            }
        }
        return hits;
    }

    /**
     * Rewrites a class read from the runtime image for the cache alone: nothing of it is installed or counted in
     * this run.
     *
     * @param className the class's internal name
     * @param bytes     its class file from the image
     */
    void rewriteForCache(String className, byte[] bytes) {
        int[] sites = sitesByClass.get(className);
        if (sites == null || cache == null) {
            return;
        }
        try {
            AtomicIntegerArray found = new AtomicIntegerArray(table.size());
            byte[] out = rewrite(bytes, sites, found);
            cache.add(className, bytes, out, hits(found, false));
        } catch (Throwable t) {
            // this run never installs it; when the class loads, its rewrite is tried (and said) as usual
        }
    }

    /** Writes the rewrites kept for the next run, if this run learnt any (silent). */
    void saveCache() {
        if (cache != null) {
            cache.save(this, sitesByClass.keySet());
        }
    }

    /** @return classes that could not be instrumented, with the reason */
    Set<String> failures() {
        return new TreeSet<>(failed);
    }

    /**
     * Finds the hook groups that match no method in this JDK. Classes not loaded yet are read from the runtime
     * image (and not loaded), so the answer covers hooks the program has not reached yet.
     *
     * @return the groups, sorted
     */
    Set<String> unmatchedGroups() {
        AtomicIntegerArray found = new AtomicIntegerArray(table.size());
        for (Map.Entry<String, int[]> e : sitesByClass.entrySet()) {
            if (seen.contains(e.getKey())) {
                continue;
            }
            try (InputStream in = ClassLoader.getSystemResourceAsStream(e.getKey() + ".class")) {
                if (in != null) {
                    HookRewriter.scan(table, in.readAllBytes(), e.getValue(), found);
                }
            } catch (IOException | RuntimeException ignored) {
                // unreadable: its points count as unmatched
            }
        }
        Map<String, Boolean> groups = new java.util.LinkedHashMap<>();
        for (int i = 0; i < table.size(); i++) {
            // the classes hooked so far, including those reading the runtime image loaded meanwhile (FileChannelImpl)
            found.set(i, found.get(i) | matched.get(i));
            String group = table.get(i).group();
            groups.put(group, found.get(i) != 0 || Boolean.TRUE.equals(groups.get(group)));
        }
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<String, Boolean> g : groups.entrySet()) {
            if (!g.getValue()) {
                missing.add(g.getKey());
            }
        }
        return missing;
    }
}
