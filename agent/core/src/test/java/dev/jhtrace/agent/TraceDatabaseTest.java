package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring of reusable trace slots behind {@code max=} and {@code -enable Max_Traces}. */
class TraceDatabaseTest {

    private static List<Integer> newestFirst(TraceDatabase db) {
        List<Integer> fds = new ArrayList<>();
        for (int i = 0; i < db.size(); i++) {
            fds.add(db.newest(i).fd);
        }
        return fds;
    }

    private static void add(TraceDatabase db, int fd) {
        db.add().fd = fd;
    }

    @Test
    void keepsTheNewestAndReusesSlots() {
        TraceDatabase db = new TraceDatabase(3);
        for (int fd = 1; fd <= 5; fd++) {
            add(db, fd);
        }
        assertEquals(List.of(5, 4, 3), newestFirst(db));
        Trace oldest = db.newest(2);
        long seq = oldest.seq;
        add(db, 6);
        assertSame(oldest, db.newest(0), "the oldest slot is reused for the newest trace");
        assertTrue(oldest.seq > seq, "and gets a new sequence number, so whoever kept the old one sees it gone");
        assertEquals(List.of(6, 5, 4), newestFirst(db));
    }

    @Test
    void capacityChangesKeepTheNewest() {
        TraceDatabase db = new TraceDatabase(4);
        for (int fd = 1; fd <= 6; fd++) {
            add(db, fd);
        }
        db.setCapacity(2);
        assertEquals(List.of(6, 5), newestFirst(db));
        add(db, 7);
        assertEquals(List.of(7, 6), newestFirst(db));
        db.setCapacity(5);
        for (int fd = 8; fd <= 11; fd++) {
            add(db, fd);
        }
        assertEquals(List.of(11, 10, 9, 8, 7), newestFirst(db));
        assertEquals(5, db.capacity());
    }

    @Test
    void zeroKeepsNothingAndClearForgets() {
        TraceDatabase none = new TraceDatabase(0);
        assertNull(none.add());
        assertEquals(0, none.size());
        TraceDatabase db = new TraceDatabase(2000); // grows its slot array past the first 1,024
        for (int fd = 0; fd < 1500; fd++) {
            add(db, fd);
        }
        assertEquals(1499, db.newest(0).fd);
        assertEquals(0, db.newest(1499).fd);
        Trace kept = db.newest(0);
        db.clear();
        assertEquals(0, db.size());
        assertEquals(0, kept.seq, "a cleared trace no longer matches any sequence number kept elsewhere");
        add(db, 42);
        assertEquals(List.of(42), newestFirst(db));
    }

    @Test
    void evictionsAreCountedUntilCleared() {
        TraceDatabase db = new TraceDatabase(3);
        for (int fd = 1; fd <= 5; fd++) {
            db.add().fd = fd;
        }
        assertEquals(2, db.evicted(), "two traces gave way to newer ones");
        db.setCapacity(1);
        assertEquals(4, db.evicted(), "and two more to a smaller capacity");
        db.clear();
        assertEquals(0, db.evicted(), "a disable starts afresh");
    }
}
