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
    /** A census over a map the test changes, counting how often it is taken. */
    private static final class FakeCensus implements JavaThreadNames.Census {
        final Map<Long, String> threads = new HashMap<>();
        int taken;

        @Override
        public Map<Long, String> take() {
            taken++;
            return new HashMap<>(threads);
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
        JavaThreadNames names = new JavaThreadNames(census);
        assertEquals("main", names.nameOf(0x1000L, 1, "java"));
        assertEquals("main", names.nameOf(0x1000L, 1, "java"));
        assertEquals(1, census.taken, "a known thread is answered without a second census");
    }

    @Test
    void aLongNameIsWholeNotCutAtFifteenBytes() {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x2000L, "epollEventLoopGroup-3-1");
        census.threads.put(0x3000L, "wörker-ünicode-thread");
        JavaThreadNames names = new JavaThreadNames(census);
        assertEquals("epollEventLoopG", kernelName("epollEventLoopGroup-3-1"));
        assertEquals("epollEventLoopGroup-3-1", names.nameOf(0x2000L, 1, "epollEventLoopG"));
        assertEquals("wörker-ünicode-thread", names.nameOf(0x3000L, 1, kernelName("wörker-ünicode-thread")));
    }

    @Test
    void aThreadOffTheJvmOrAnEndedOneKeepsTheKernelName() {
        FakeCensus census = new FakeCensus();
        JavaThreadNames names = new JavaThreadNames(census);
        assertEquals("native-worker", names.nameOf(0, 1, "native-worker"));
        assertEquals(0, census.taken, "no census for a thread without a JNIEnv");
        assertEquals("pool-1-thread-1", names.nameOf(0x4000L, 1, "pool-1-thread-1"));
    }

    @Test
    void aReusedAddressIsNamedAfterTheThreadThatHasItNow() throws InterruptedException {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x5000L, "first-worker");
        JavaThreadNames names = new JavaThreadNames(census);
        assertEquals("first-worker", names.nameOf(0x5000L, 1, "first-worker"));
        census.threads.put(0x5000L, "second-worker"); // the first ended, a new thread got its structure
        String name = null;
        for (int i = 0; i < 200 && !"second-worker".equals(name); i++) {
            Thread.sleep(5); // past the census's rate limit, however long the last one took on this machine
            name = names.nameOf(0x5000L, 2, "second-worker");
        }
        assertEquals("second-worker", name);
    }

    @Test
    void aNewThreadAtAReusedAddressWithTheSameFifteenBytesIsNotNamedAfterTheOldOne() throws InterruptedException {
        FakeCensus census = new FakeCensus();
        census.threads.put(0x6000L, "pool-1-thread-12");
        JavaThreadNames names = new JavaThreadNames(census);
        assertEquals("pool-1-thread-12", names.nameOf(0x6000L, 101, "pool-1-thread-1"));
        census.threads.put(0x6000L, "pool-1-thread-13"); // 12 ended, 13 got its structure: the same kernel name
        String name = null;
        for (int i = 0; i < 200 && !"pool-1-thread-13".equals(name); i++) {
            Thread.sleep(5);
            name = names.nameOf(0x6000L, 102, "pool-1-thread-1");
            assertTrue(!"pool-1-thread-12".equals(name), "never the ended thread's name");
        }
        assertEquals("pool-1-thread-13", name);
    }

    @Test
    void withoutACensusEveryNameIsTheKernels() {
        JavaThreadNames names = new JavaThreadNames(() -> null);
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
