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
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

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

    /** @param table all hook points; a point's index is the site its hook passes */
    HookTransformer(List<HookPoint> table) {
        this.table = table;
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
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            boolean frames = HookClassVisitor.needsFrames(table, sites);
            reader.accept(new HookClassVisitor(writer, table, sites, matched), frames ? ClassReader.EXPAND_FRAMES : 0);
            return writer.toByteArray();
        } catch (Throwable t) {
            String name = className.replace('/', '.');
            failed.add(name + " (" + t + ")");
            AgentLog.once(
                    "transform:" + name,
                    "jhtrace: " + name + " could not be instrumented (" + t + "); its handles are untraced");
            return null;
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
                    new ClassReader(in.readAllBytes())
                            .accept(new HookClassVisitor(null, table, e.getValue(), found), ClassReader.SKIP_CODE);
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
