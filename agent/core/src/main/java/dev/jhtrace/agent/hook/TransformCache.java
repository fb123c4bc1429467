package dev.jhtrace.agent.hook;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hooked JDK classes as the transformer rewrote them, kept between runs beside the hook check's verdict
 * ({@link HookCheckCache}: the same directory, key and rules).
 *
 * <p>Why: rewriting a class costs ASM's classes (37 of them, loaded from the agent jar and verified) and running
 * them cold, about 20 ms of a JVM's start; the result depends only on the class's bytes and the agent build. A
 * class is served from here only when the bytes the JVM hands over are exactly those the stored rewrite was made
 * from (compared in full), so another agent's change to a JDK class, or a JDK updated in place, is a miss and is
 * rewritten as before. Each class may have two stored variants: its bytes from the runtime image (a class loaded
 * after the agent started) and the bytes the JVM reconstitutes to retransform a class loaded before.
 *
 * <p>Written at exit when the agent learnt something (a class rewritten here, not served), never while a report waits
 * for it: every hooked class is then read from the runtime image and rewritten as it comes from there too, and those
 * absent from this JDK are named, so that the next start finds every class it may need, whichever way it comes. A start that finds all of
 * them here needs no ASM before {@code main} (see {@link HookPath}).
 */
public final class TransformCache {
    static final String MAGIC = "jhtrace hook bytes 1";
    static final String PREFIX = "hookbytes-";
    private static final long MAX_BYTES = 16L << 20;
    private static final int MAX_VARIANTS = 4;
    private static final int MAX_CLASSES = 4096;
    private static final int MAX_SITES = 65536;

    /** One stored rewrite: the bytes it was made from, the result, and the hook points it matched. */
    static final class Entry {
        final byte[] original;
        final byte[] transformed;
        final int[] matched;

        Entry(byte[] original, byte[] transformed, int[] matched) {
            this.original = original;
            this.transformed = transformed;
            this.matched = matched;
        }
    }

    private final HookCheckCache files;
    private final Map<String, List<Entry>> entries = new ConcurrentHashMap<>();
    private final Set<String> absent = ConcurrentHashMap.newKeySet();
    private volatile boolean changed;

    private TransformCache(HookCheckCache files) {
        this.files = files;
    }

    /**
     * Reads the stored rewrites, if any.
     *
     * @param files the cache's place and key (the hook check's), or null for none
     * @return the cache (empty on a miss), or null when there is none
     */
    public static TransformCache load(HookCheckCache files) {
        if (files == null) {
            return null;
        }
        TransformCache cache = new TransformCache(files);
        try {
            Path file = files.file(PREFIX);
            if (files.usable(file, MAX_BYTES)) {
                // java.io: a first FileChannel would make JDK 17 open a socketpair for itself, in the program's table
                try (DataInputStream in =
                        new DataInputStream(new BufferedInputStream(new FileInputStream(file.toFile()), 1 << 16))) {
                    cache.read(in);
                }
            }
        } catch (Throwable e) {
            // cut short, corrupt (a length that would exhaust the heap) or not ours: a miss, rewritten as before
            cache.entries.clear();
            cache.absent.clear();
        }
        return cache;
    }

    private void read(DataInputStream in) throws IOException {
        if (!line(in).equals(MAGIC) || !line(in).equals(files.storedKey())) {
            return;
        }
        int classes = in.readInt();
        if (classes < 0 || classes > MAX_CLASSES) {
            throw new IOException("bad count");
        }
        for (int c = 0; c < classes; c++) {
            String name = in.readUTF();
            int variants = in.readInt();
            if (variants < 0) {
                absent.add(name);
                continue;
            }
            if (variants > MAX_VARIANTS) {
                throw new IOException("bad count");
            }
            List<Entry> list = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int v = 0; v < variants; v++) {
                byte[] original = bytes(in);
                byte[] transformed = bytes(in);
                int sites = in.readInt();
                if (sites < 0 || sites > MAX_SITES) {
                    throw new IOException("bad count");
                }
                int[] matched = new int[sites];
                for (int i = 0; i < matched.length; i++) {
                    matched[i] = in.readInt();
                }
                if (list.size() < MAX_VARIANTS) {
                    list.add(new Entry(original, transformed, matched));
                }
            }
            entries.put(name, list);
        }
        if (in.readInt() != classes) {
            throw new IOException("cut short");
        }
    }

    private static String line(DataInputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || out.size() > 65536) {
                throw new IOException("no header");
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_BYTES) {
            throw new IOException("bad length");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /**
     * @param name     a hooked class's internal name
     * @param original the bytes the JVM hands over
     * @return the stored rewrite of exactly these bytes, or null
     */
    Entry find(String name, byte[] original) {
        List<Entry> list = entries.get(name);
        if (list != null) {
            for (Entry e : list) {
                if (Arrays.equals(e.original, original)) {
                    return e;
                }
            }
        }
        return null;
    }

    /** Keeps a rewrite made in this run, for the next. */
    void add(String name, byte[] original, byte[] transformed, int[] matched) {
        // no lambda (computeIfAbsent's): its class would be spun inside the class file load hook
        List<Entry> list = entries.get(name);
        if (list == null) {
            entries.putIfAbsent(name, new java.util.concurrent.CopyOnWriteArrayList<>());
            list = entries.get(name);
        }
        if (list.size() < MAX_VARIANTS && find(name, original) == null) {
            list.add(new Entry(original, transformed, matched));
            changed = true;
        }
    }

    /** @return whether every one of these classes has a stored rewrite or is known to be absent from this JDK */
    public boolean covers(Collection<String> names) {
        for (String n : names) {
            if (!entries.containsKey(n) && !absent.contains(n)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the cache when this run learnt something: first the hooked classes not seen yet, from the runtime image.
     * Silent: a cache that cannot be written is a miss next time.
     *
     * @param transformer rewrites a class from the image (its result is kept here, nothing of it is installed)
     * @param names       every hooked class
     */
    synchronized void save(HookTransformer transformer, Collection<String> names) {
        try {
            if (!changed && covers(names)) {
                // nothing learnt, and every class was here already: the save that wrote the file made every class's
                // image variant it could, so reading the image again would find them (15 ms of every exit,
                // ModuleReader's and jrt's classes with it). One it could not make (a class with no site, a rewrite
                // that failed, four variants already) is a miss when that class loads from the image: learnt then,
                // and saved at that run's exit
                return;
            }
            // every class as it comes from the image too: a class one start retransformed (loaded before the agent)
            // another start sees loading, and a start that found every class here loads no ASM to rewrite it
            for (String n : names) {
                if (absent.contains(n)) {
                    continue;
                }
                byte[] image;
                try (InputStream in = ClassLoader.getSystemResourceAsStream(n + ".class")) {
                    image = in != null ? in.readAllBytes() : null;
                }
                if (image == null) {
                    if (!entries.containsKey(n)) {
                        absent.add(n);
                        changed = true;
                    }
                } else if (find(n, image) == null) {
                    transformer.rewriteForCache(n, image);
                }
            }
            if (!changed) {
                return;
            }
            changed = false;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 18);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write((MAGIC + "\n" + files.storedKey() + "\n").getBytes(StandardCharsets.UTF_8));
            List<String> all = new ArrayList<>(entries.keySet());
            all.addAll(absent);
            out.writeInt(all.size());
            for (String n : all) {
                out.writeUTF(n);
                List<Entry> list = entries.get(n);
                if (list == null) {
                    out.writeInt(-1);
                    continue;
                }
                List<Entry> kept = new ArrayList<>(list);
                out.writeInt(kept.size());
                for (Entry e : kept) {
                    out.writeInt(e.original.length);
                    out.write(e.original);
                    out.writeInt(e.transformed.length);
                    out.write(e.transformed);
                    out.writeInt(e.matched.length);
                    for (int m : e.matched) {
                        out.writeInt(m);
                    }
                }
            }
            out.writeInt(all.size());
            out.flush();
            if (bytes.size() <= MAX_BYTES) {
                files.writeFile(PREFIX, bytes.toByteArray());
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // a cache is an optimisation: the next run rewrites as before
        }
    }

    /** For tests: the place this cache is kept. */
    Path file() {
        return files.file(PREFIX);
    }

    /** @return the internal names of the classes of these hook points */
    public static Set<String> classesOf(List<HookPoint> points) {
        Set<String> names = new java.util.HashSet<>();
        for (HookPoint p : points) {
            names.add(p.type().replace('.', '/'));
        }
        return names;
    }
}
