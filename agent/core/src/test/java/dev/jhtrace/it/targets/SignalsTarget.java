package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes HotSpot take the faults it handles itself while the agent's stack walker runs, whose guarded reads put a
 * fault handler in front of HotSpot's: {@code share} opens and closes a file on two threads (each open and close is
 * a walk) while a third runs compiled loops that take implicit null checks and a fourth asks for GCs, whose
 * safepoints make compiled loops' polls fault; prints {@code DONE <opens> <nulls>}. {@code crash} reads address 8
 * through {@code sun.misc.Unsafe} after some walks: HotSpot must still see that fault and write its error log.
 */
public final class SignalsTarget {
    private static final AtomicBoolean STOP = new AtomicBoolean();
    private static volatile int sink;

    public static void main(String[] args) throws Exception {
        Path file = Files.writeString(Files.createTempFile("jhtrace-signals", ".txt"), "x");
        try {
            if (args[0].equals("crash")) {
                openClose(file, 2_000);
                Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
                f.setAccessible(true);
                Object unsafe = f.get(null);
                System.out.println("CRASHING");
                System.out.flush();
                Files.deleteIfExists(file);
                sink = (int) (long) unsafe.getClass().getMethod("getLong", long.class).invoke(unsafe, 8L);
                System.out.println("SURVIVED " + sink);
                return;
            }
            share(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void share(Path file) throws Exception {
        long[] nulls = new long[1];
        Thread npe = new Thread(() -> nulls[0] = nulls());
        Thread gc = new Thread(() -> {
            while (!STOP.get()) {
                System.gc();
                sleep(5);
            }
        });
        int[] opens = new int[2];
        Thread a = new Thread(() -> opens[0] = openClose(file, 20_000));
        Thread b = new Thread(() -> opens[1] = openClose(file, 20_000));
        for (Thread t : new Thread[] {npe, gc, a, b}) {
            t.start();
        }
        a.join();
        b.join();
        STOP.set(true);
        npe.join();
        gc.join();
        System.out.println("DONE " + (opens[0] + opens[1]) + " " + nulls[0]);
    }

    private static int openClose(Path file, int times) {
        int n = 0;
        for (int i = 0; i < times; i++) {
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                n += in.read() > 0 ? 1 : 0;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }
        return n;
    }

    /** Calls into compiled code that dereferences a null now and then (an implicit null check's fault). */
    private static long nulls() {
        String[] values = {"a", "bb", "ccc", null};
        long caught = 0;
        long sum = 0;
        for (long i = 0; !STOP.get() || caught == 0; i++) {
            try {
                sum += length(values[(int) (i & 1023) == 0 ? 3 : (int) (i % 3)]);
            } catch (NullPointerException e) {
                caught++;
            }
        }
        sink = (int) sum;
        return caught;
    }

    private static int length(String s) {
        return s.length();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
