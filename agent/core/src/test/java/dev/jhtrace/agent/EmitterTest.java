package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the hooks' collector puts into the ring for the descriptor object of an open and of a close. */
class EmitterTest {
    /** What one event carried: its descriptor identity and whether a reference to the object came with it. */
    private record Seen(TraceType type, int fd, int descriptorId, Object descriptor) {}

    private final List<Seen> seen = new ArrayList<>();
    private final EventRing ring = new EventRing(64, (e, seq, end) -> {
        if (e.command == null) {
            seen.add(new Seen(e.type, e.fd, e.descriptorId, e.descriptor));
        } else {
            e.command.run();
        }
        e.clear();
    });

    private void event(Emitter out, TraceType type, int fd, Object descriptor) {
        out.begin(type, false, false);
        out.fd(fd, HandleKind.FILE, "/f", descriptor);
        out.publish(1, null);
    }

    private List<Seen> drain() {
        assertTrue(ring.runInOrder(() -> {}, 10, TimeUnit.SECONDS));
        return seen;
    }

    @Test
    void aCloseCarriesTheIdentityOfItsOwnDescriptorObjectEvenWhereAnotherWasOpenedUnderItsNumber() {
        Emitter out = new Emitter(ring);
        Object opened = new Object();
        Object other = new Object(); // its number came from a native open: no hook hashed it
        event(out, TraceType.OPEN, 9001, opened); // a stream on 9001, closed by native code no hook sees
        event(out, TraceType.CLOSE, 9001, other); // a channel that got 9001 since, closed by Java code
        event(out, TraceType.OPEN, 9002, opened);
        event(out, TraceType.CLOSE, 9002, opened);
        event(out, TraceType.CLOSE, 9003, new Object()); // an open no hook saw with an object
        List<Seen> s = drain();
        assertEquals(System.identityHashCode(opened), s.get(0).descriptorId());
        assertEquals(
                System.identityHashCode(other),
                s.get(1).descriptorId(),
                "the close's own object, never the identity of what its number held before");
        assertNull(s.get(1).descriptor(), "and no reference made for it");
        assertEquals(System.identityHashCode(opened), s.get(3).descriptorId());
        assertNull(s.get(3).descriptor());
        assertEquals(0, s.get(4).descriptorId());
        assertTrue(s.get(4).descriptor() instanceof java.lang.ref.WeakReference, "the analyzer takes its identity");
    }
}
