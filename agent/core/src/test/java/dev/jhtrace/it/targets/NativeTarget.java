package dev.jhtrace.it.targets;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import static dev.jhtrace.it.targets.Scenario.line;

/**
 * Descriptors opened and closed by native code: a JNI library built by the test build ({@code libleakyjni.so})
 * and libc called through JNA. Prints {@code NAME fd|line} for each call, the call on the same line.
 *
 * <p>With argument {@code phased}: opens a descriptor through JNI first, prints {@code READY pid}, and closes it
 * through JNI when {@code close} arrives on stdin (for the attach-later test).
 */
public final class NativeTarget {
    static native int openAndLeak(String path);

    static native int closeTwice(String path);

    static native int openAndClose(String path);

    static native int dupOverLive(String path);

    static native int closeRange(String path);

    static native int streams(String path, String dir);

    /** Opens through a static function of the library's, which only its symbol table names. */
    static native int openThroughHidden(String path);

    /** libc through JNA. */
    public interface CLib extends Library {
        int open(String path, int flags);

        int close(int fd);
    }

    /** The thread name longer than the kernel's 15 bytes; the thread stays alive to the end (a pool's worker). */
    public static final String LONG_THREAD_NAME = "jhtrace-worker-with-a-long-name-1";

    private static void leakOnALongNamedThread(String f) throws InterruptedException {
        java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        Thread worker = new Thread(
                () -> {
                    int fd = openAndLeak(f); System.out.println("JNITHREAD " + fd + "|" + line());
                    opened.countDown();
                    LockSupport.park(); // alive while the program runs, as a pool's worker is
                },
                LONG_THREAD_NAME);
        worker.setDaemon(true);
        worker.start();
        opened.await();
    }

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("jhtrace.test.jni"));
        Path file = Files.writeString(Files.createTempFile("jhtrace-native", ".txt"), "x");
        String f = file.toString();
        if (args.length > 0 && args[0].equals("phased")) {
            int early = openAndLeak(f);
            System.out.println("EARLY " + early);
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                if (l.equals("close")) {
                    Native.load("c", CLib.class).close(early);
                    System.out.println("CLOSED");
                    System.out.flush();
                } else if (l.equals("exit")) {
                    return;
                }
            }
            return;
        }
        int fd;
        fd = openAndClose(f); System.out.println("JNICLOSED " + fd + "|" + line());
        fd = openAndLeak(f); System.out.println("JNILEAK " + fd + "|" + line());
        fd = closeTwice(f); System.out.println("JNITWICE " + fd + "|" + line());
        fd = dupOverLive(f); System.out.println("JNIDUP2 " + fd + "|" + line());
        fd = closeRange(f); System.out.println("JNIRANGE " + fd + "|" + line());
        fd = streams(f, file.getParent().toString()); System.out.println("JNISTREAMS " + fd + "|" + line());
        fd = openThroughHidden(f); System.out.println("JNIHIDDEN " + fd + "|" + line());
        leakOnALongNamedThread(f);
        if (args.length > 0 && args[0].equals("vfork")) {
            // with -Djdk.lang.Process.launchMechanism=VFORK the child runs hooks in our memory before exec
            Process p = new ProcessBuilder("true").start(); System.out.println("VFORK " + p.waitFor() + "|" + line());
        }
        if (args.length > 0 && args[0].equals("jna")) {
            CLib c = Native.load("c", CLib.class);
            fd = c.open(f, 0); System.out.println("JNALEAK " + fd + "|" + line());
            int g = c.open(f, 0);
            c.close(g); System.out.println("JNACLOSE " + g + "|" + line());
            c.close(g); System.out.println("JNATWICE " + g + "|" + line());
        }
    }
}
