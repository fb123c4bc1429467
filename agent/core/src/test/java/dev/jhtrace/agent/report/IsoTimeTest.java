package dev.jhtrace.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimeTest {
    private static void same(long millis) {
        assertEquals(Instant.ofEpochMilli(millis).toString(), IsoTime.of(millis), Long.toString(millis));
    }

    @Test
    void everyTimeReadsAsInstantWritesIt() {
        for (long t : new long[] {
            0,
            1,
            999,
            1000,
            -1,
            -1000,
            -86_400_000L,
            951_782_400_000L /* 2000-02-29 */,
            4_107_542_400_000L,
            253_402_300_799_999L /* 9999-12-31T23:59:59.999Z */,
            -62_167_219_200_000L /* 0000-01-01 */,
            253_402_300_800_000L /* year 10000: the formatter's own */,
            -62_167_219_200_001L
        }) {
            same(t);
        }
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 100_000; i++) {
            same(random.nextLong(-70_000_000_000_000L, 260_000_000_000_000L));
        }
        for (int i = 0; i < 10_000; i++) {
            same(random.nextLong(0, 5_000_000_000_000L) / 1000 * 1000); // whole seconds: no fraction
        }
    }
}
