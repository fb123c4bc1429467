package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DropLedgerTest {
    @Test
    void aCopyHoldsEveryCounterAsCountedAndLaterDropsShowAgainstIt() {
        DropLedger ledger = new DropLedger();
        ledger.dropped(3);
        ledger.dropped(3);
        ledger.dropped(DropLedger.SLOTS - 1);
        ledger.dropped(-1); // concerns no handle
        int[] copy = ledger.copy();
        assertEquals(DropLedger.SLOTS, copy.length);
        assertEquals(2, copy[3]);
        assertEquals(1, copy[DropLedger.SLOTS - 1]);
        assertEquals(3, java.util.Arrays.stream(copy).sum());
        assertFalse(ledger.droppedSince(copy, 3));
        ledger.dropped(3 + DropLedger.SLOTS); // shares fd 3's counter
        assertTrue(ledger.droppedSince(copy, 3));
        assertFalse(ledger.droppedSince(copy, 4));
        assertFalse(ledger.droppedSince(copy, -1));
    }
}
