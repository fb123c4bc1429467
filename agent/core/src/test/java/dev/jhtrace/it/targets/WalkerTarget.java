package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.IntStream;

/**
 * Opens and closes files under every shape of stack the agent's stack walker must follow, for a run with
 * {@code walker=check} (each walk is compared with AsyncGetCallTrace's): interpreted and then compiled and inlined
 * recursion, reflection (through the native accessor on JDK 17: native code calling Java), lambdas and streams,
 * method handles, class loading from a jar (the VM calling {@code loadClass}), classes loaded and unloaded again
 * and again (their metadata's addresses recur), static initializers, threads side by side, an exception path, a compiled frame deoptimized while it is on the stack, and virtual threads where the
 * JDK has them. Prints {@code DONE <opens>}.
 */
public final class WalkerTarget {
    private static Path file;
    private static int opens;

    public static void main(String[] args) throws Throwable {
        file = Files.writeString(Files.createTempFile("jhtrace-walker", ".txt"), "x");
        for (int i = 0; i < 3_000; i++) {
            down(i % 40);        // the first rounds interpreted, then compiled (recursion inlined a level at a time)
        }
        java.lang.reflect.Method m = WalkerTarget.class.getDeclaredMethod("down", int.class);
        for (int i = 0; i < 40; i++) {
            m.invoke(null, 5);   // JDK 17: the first calls go through NativeMethodAccessorImpl.invoke0
        }
        IntStream.range(0, 500).parallel().forEach(i -> openClose());
        MethodHandle h = MethodHandles.lookup().findStatic(WalkerTarget.class, "down", MethodType.methodType(void.class, int.class));
        for (int i = 0; i < 500; i++) {
            h.invokeExact(3);
        }
        loadFromJar();
        reloadAndUnload();
        Initialized.touch();
        threads();
        exceptionPath();
        deoptimizeOnStack();
        virtualThreads();
        Files.deleteIfExists(file);
        System.out.println("DONE " + opens);
    }

    static void down(int frames) {
        if (frames > 0) {
            down(frames - 1);
        } else {
            openClose();
        }
    }

    static synchronized void count() {
        opens++;
    }

    static void openClose() {
        try (InputStream in = new FileInputStream(file.toFile())) {
            in.read();
            count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A class whose initializer opens a file: the stack runs through {@code <clinit>}. */
    static final class Initialized {
        static {
            openClose();
        }

        static void touch() {
        }
    }

    /** The VM calls a class loader, which opens the jar: Java called from the VM, in the middle of a stack. */
    private static void loadFromJar() throws Exception {
        Path jar = Files.createTempFile("jhtrace-walker", ".jar");
        String name = HelloTarget.class.getName().replace('.', '/') + ".class";
        try (InputStream in = WalkerTarget.class.getClassLoader().getResourceAsStream(name);
             OutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            ((JarOutputStream) out).putNextEntry(new JarEntry(name));
            in.transferTo(out);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class.forName(HelloTarget.class.getName(), true, loader);
        }
        Files.deleteIfExists(jar);
    }

    /** Classes loaded, used, dropped and unloaded (by the GC) again and again: their metadata's addresses recur. */
    private static void reloadAndUnload() throws Exception {
        Path dir = Files.createTempDirectory("jhtrace-walker-classes");
        String name = ReloadedOpener.class.getName().replace('.', '/') + ".class";
        Path copy = dir.resolve(name);
        Files.createDirectories(copy.getParent());
        try (InputStream in = WalkerTarget.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, copy);
        }
        for (int round = 0; round < 30; round++) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                java.lang.reflect.Method run = loader.loadClass(ReloadedOpener.class.getName()).getMethod("run", String.class, int.class);
                for (int i = 0; i < 20; i++) {
                    run.invoke(null, file.toString(), i % 8);
                    count();
                }
            }
            System.gc();
        }
    }

    private static void threads() throws InterruptedException {
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    down(i % 20);
                }
            });
            thread.start();
            all.add(thread);
        }
        for (Thread t : all) {
            t.join();
        }
    }

    /** A read after close: the hook that reports it runs in an exception handler. */
    private static void exceptionPath() throws IOException {
        FileInputStream in = new FileInputStream(file.toFile());
        in.close();
        try {
            in.read();
        } catch (IOException expected) {
            count();
        }
    }

    abstract static class Shape {
        abstract int sides();
    }

    static final class Square extends Shape {
        @Override
        int sides() {
            return 4;
        }
    }

    /** Loaded only in {@link #deoptimizeOnStack}: it breaks the class hierarchy assumption compiled code made. */
    static final class Triangle extends Shape {
        static {
            openClose(); // runs while hot()'s compiled frame, now deoptimized, is still below on the stack
        }

        @Override
        int sides() {
            return 3;
        }
    }

    private static int hot(Shape s, boolean last) {
        int sum = 0;
        for (int i = 0; i < 200; i++) {
            sum += s.sides(); // only Square is loaded: compiled code calls Square.sides directly
        }
        if (last) {
            sum += new Triangle().sides();
            openClose();
        }
        return sum;
    }

    private static void deoptimizeOnStack() {
        Shape square = new Square();
        long sum = 0;
        for (int i = 0; i < 30_000; i++) {
            sum += hot(square, false);
        }
        sum += hot(square, true);
        if (sum == 42) {
            System.out.println(sum);
        }
    }

    /** Virtual threads (JDK 21+): their stacks end at the continuation's entry, which the walker leaves to AsyncGetCallTrace. */
    private static void virtualThreads() throws Exception {
        java.lang.reflect.Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException e) {
            return;
        }
        Object builder = ofVirtual.invoke(null);
        // through the public interface Thread.Builder: the builder's own class is internal to java.base, and
        // (with the native start) nothing opens java.lang to this program
        java.lang.reflect.Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            all.add((Thread) start.invoke(builder, (Runnable) () -> {
                for (int i = 0; i < 100; i++) {
                    down(i % 10);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
    }
}
