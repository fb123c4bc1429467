package dev.jhtrace.agent.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaThreadNamesTest {
    /** A census over a map the test changes, counting how often it is taken, on a clock the test moves. */
    private static final class FakeCensus implements JavaThreadNames.Census {
        final Map<Long, String> threads = new HashMap<>();
        int taken;
        long now = 1_000_000_000L;
        long costNanos = 1_000_000L;

        @Override
        public Map<Long, String> take() {
            taken++;
            now += costNanos;
            return new HashMap<>(threads);
        }

        JavaThreadNames names() {
            return new JavaThreadNames(this, () -> now);
        }
    }

    /** What the kernel holds of a Java name: its first 15 bytes, decoded as the drain decodes them. */
    private static String kernelName(String javaName) {
        byte[] bytes = javaName.getBytes(StandardCharsets.UTF_8);
        return new String(Arrays.copyOf(bytes, Math.min(15, bytes.length)), StandardCharsets.UTF_8);
    }

    @Test
    void mainIsNamedMainThoughTheKernelSaysJava() {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x1000L, "main");
        JavaThreadNames names = census.names();
        assertEquals("main", names.nameOf(0x1000L, 1, "java"));
        assertEquals("main", names.nameOf(0x1000L, 1, "java"));
        assertEquals(1, census.taken, "a known thread is answered without a second census");
    }

    @Test
    void aLongNameIsWholeNotCutAtFifteenBytes() {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x2000L, "epollEventLoopGroup-3-1");
        census.threads.put(0x3000L, "wörker-ünicode-thread");
        JavaThreadNames names = census.names();
        assertEquals("epollEventLoopG", kernelName("epollEventLoopGroup-3-1"));
        assertEquals("epollEventLoopGroup-3-1", names.nameOf(0x2000L, 1, "epollEventLoopG"));
        assertEquals("wörker-ünicode-thread", names.nameOf(0x3000L, 1, kernelName("wörker-ünicode-thread")));
    }

    @Test
    void aThreadOffTheJvmOrAnEndedOneKeepsTheKernelName() {
        FakeCensus census = new FakeCensus();
        JavaThreadNames names = census.names();
        assertEquals("native-worker", names.nameOf(0, 1, "native-worker"));
        assertEquals(0, census.taken, "no census for a thread without a JNIEnv");
        assertEquals("pool-1-thread-1", names.nameOf(0x4000L, 1, "pool-1-thread-1"));
    }

    @Test
    void aReusedAddressIsNamedAfterTheThreadThatHasItNow() {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x5000L, "first-worker");
        JavaThreadNames names = census.names();
        assertEquals("first-worker", names.nameOf(0x5000L, 1, "first-worker"));
        census.threads.put(0x5000L, "second-worker"); // the first ended, a new thread got its structure
        String name = null;
        for (int i = 0; i < 200 && !"second-worker".equals(name); i++) {
            census.now += 5_000_000L;
            name = names.nameOf(0x5000L, 2, "second-worker");
        }
        assertEquals("second-worker", name);
    }

    @Test
    void aNewThreadAtAReusedAddressWithTheSameFifteenBytesIsNotNamedAfterTheOldOne() {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x6000L, "pool-1-thread-12");
        JavaThreadNames names = census.names();
        assertEquals("pool-1-thread-12", names.nameOf(0x6000L, 101, "pool-1-thread-1"));
        census.threads.put(0x6000L, "pool-1-thread-13"); // 12 ended, 13 got its structure: the same kernel name
        String name = null;
        for (int i = 0; i < 200 && !"pool-1-thread-13".equals(name); i++) {
            census.now += 5_000_000L;
            name = names.nameOf(0x6000L, 102, "pool-1-thread-1");
            assertTrue(!"pool-1-thread-12".equals(name), "never the ended thread's name");
        }
        assertEquals("pool-1-thread-13", name);
    }

    @Test
    void threadsStartedTogetherAreAllNamedThoughEachIsFirstSeenJustAfterACensus() {
        // the drain meets main, then each worker right after the census that main's event took: with a census
        // allowed only every twenty times the last one's cost, the workers kept their kernel names (NativeIT saw
        // "jhtrace-worker-" for a thread started while the machine was busy)
        FakeCensus census = new FakeCensus();
        census.costNanos = 4_000_000L; // a slow census on a loaded machine
        census.threads.put(0x1000L, "main");
        JavaThreadNames names = census.names();
        assertEquals("main", names.nameOf(0x1000L, 1, "java"));
        for (int i = 1; i <= 4; i++) {
            String javaName = "jhtrace-worker-with-a-long-name-" + i;
            census.threads.put(0x1000L + i, javaName);
            assertEquals(javaName, names.nameOf(0x1000L + i, 1 + i, kernelName(javaName)));
        }
    }

    @Test
    void aProgramMakingThreadsWithoutEndCostsTheDrainAtMostATwentiethOfItsTime() {
        FakeCensus census = new FakeCensus();
        JavaThreadNames names = census.names();
        long start = census.now;
        for (long i = 0; i < 100_000; i++) {
            census.threads.put(0x10_0000L + i, "short-lived-" + i);
            names.nameOf(0x10_0000L + i, (int) i + 2, kernelName("short-lived-" + i));
            census.now += 10_000L; // an event every 10 us
        }
        long elapsed = census.now - start;
        long spent = census.taken * census.costNanos;
        assertTrue(
                spent <= JavaThreadNames.CENSUS_BURST_NANOS + elapsed / 20 + census.costNanos, // the last may overdraw
                census.taken + " censuses of 1 ms in " + elapsed / 1_000_000 + " ms");
        assertTrue(census.taken > 10, "yet censuses go on as time is earned: " + census.taken);
    }

    @Test
    void withoutACensusEveryNameIsTheKernels() {
        JavaThreadNames names = new JavaThreadNames(() -> null, System::nanoTime);
        assertEquals("java", names.nameOf(0x1000L, 1, "java"));
        assertEquals("java", names.nameOf(0x1000L, 1, "java"));
    }

    @Test
    void theKernelNameMustBeTheStartOfTheJavaName() {
        assertTrue(JavaThreadNames.begins("epollEventLoopGroup-3-1", "epollEventLoopG"));
        assertTrue(JavaThreadNames.begins("anything", null));
        assertTrue(JavaThreadNames.begins("wörker-ünicode-thread", kernelName("wörker-ünicode-thread")));
        String cutInsideACharacter = kernelName("abcdefghijklmnöp");
        assertTrue(cutInsideACharacter.endsWith("\uFFFD"), cutInsideACharacter);
        assertTrue(JavaThreadNames.begins("abcdefghijklmnöp", cutInsideACharacter));
        assertFalse(JavaThreadNames.begins("main", "java"));
        assertFalse(JavaThreadNames.begins("first-worker", "second-worker"));
    }
}
