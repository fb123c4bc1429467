package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.agent.report.OpenCount;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenTimelineTest {
    @Test
    void eachSampleKeepsItsIntervalsPeak() {
        OpenTimeline t = new OpenTimeline();
        t.record(1_000, 1);
        t.record(1_400, 7); // the peak of the first second
        t.record(1_900, 2);
        t.record(2_000, 3);
        List<OpenCount> s = t.copy(2_500, 3);
        assertEquals(List.of(new OpenCount(1_000, 7), new OpenCount(2_000, 3), new OpenCount(2_500, 3)), s);
    }

    @Test
    void aLongRunFitsByDoublingTheInterval() {
        OpenTimeline t = new OpenTimeline();
        for (int i = 0; i < 10_000; i++) {
            t.record(i * 1_000L, i == 5_001 ? 99_999 : i);
        }
        List<OpenCount> s = t.copy(10_000_000L, 0);
        assertTrue(s.size() <= OpenTimeline.CAPACITY + 2, s.size() + " samples");
        assertTrue(s.stream().anyMatch(c -> c.open() == 99_999), "a peak survives every halving");
        for (int i = 1; i < s.size(); i++) {
            assertTrue(s.get(i).at() > s.get(i - 1).at(), "oldest first");
        }
        t.clear();
        assertEquals(List.of(new OpenCount(5, 0)), t.copy(5, 0));
    }
}
