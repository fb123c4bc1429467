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

    /** Keeps none of the traces that give way, and lists them. */
    private static final class Told implements TraceDatabase.GiveWay {
        final List<Trace> gone = new ArrayList<>();
        Trace keep;

        @Override
        public boolean givingWay(Trace t) {
            gone.add(t);
            return t == keep;
        }
    }

    @Test
    void keepsTheNewestAndReusesSlots() {
        Told told = new Told();
        TraceDatabase db = new TraceDatabase(3, told);
        for (int fd = 1; fd <= 5; fd++) {
            add(db, fd);
        }
        assertEquals(List.of(5, 4, 3), newestFirst(db));
        Trace oldest = db.newest(2);
        told.gone.clear();
        add(db, 6);
        assertSame(oldest, db.newest(0), "the oldest slot is reused for the newest trace");
        assertEquals(List.of(oldest), told.gone, "after whoever refers to it was told it gives way");
        assertEquals(List.of(6, 5, 4), newestFirst(db));
    }

    @Test
    void aTraceKeptByItsReferrerLeavesTheDatabaseAndASpareTakesItsSlot() {
        Told told = new Told();
        TraceDatabase db = new TraceDatabase(2, told);
        add(db, 1);
        add(db, 2);
        Trace kept = db.newest(1);
        told.keep = kept;
        add(db, 3);
        assertEquals(1, kept.fd, "the kept trace is not reused");
        assertTrue(!kept.inDatabase, "it left the database");
        assertTrue(db.newest(0) != kept && db.newest(0).inDatabase);
        assertEquals(List.of(3, 2), newestFirst(db));
        db.recycle(kept);
        told.keep = null;
        add(db, 4); // the slot of fd 2 is reused; the spare waits for the next trace that leaves
        assertSame(kept, db.spare(), "a trace no one refers to any more is reused");
    }

    @Test
    void capacityChangesKeepTheNewest() {
        TraceDatabase db = new TraceDatabase(4, new Told());
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
        TraceDatabase none = new TraceDatabase(0, new Told());
        assertNull(none.add());
        assertEquals(0, none.size());
        Told told = new Told();
        TraceDatabase db = new TraceDatabase(2000, told); // grows its slot array past the first 1,024
        for (int fd = 0; fd < 1500; fd++) {
            add(db, fd);
        }
        assertEquals(1499, db.newest(0).fd);
        assertEquals(0, db.newest(1499).fd);
        told.gone.clear();
        db.clear();
        assertEquals(0, db.size());
        assertEquals(1500, told.gone.size(), "whoever refers to a cleared trace is told it is gone");
        add(db, 42);
        assertEquals(List.of(42), newestFirst(db));
    }

    @Test
    void evictionsAreCountedUntilCleared() {
        TraceDatabase db = new TraceDatabase(3, new Told());
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
