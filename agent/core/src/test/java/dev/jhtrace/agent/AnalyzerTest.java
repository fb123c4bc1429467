package dev.jhtrace.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.agent.os.ProcFds;
import dev.jhtrace.agent.report.LeakReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analyzer's bookkeeping, fed events directly (no ring, no hooks). */
class AnalyzerTest {
    private final DropLedger ledger = new DropLedger();
    private final Analyzer analyzer = new Analyzer(4, ledger);

    /** A report as Tracer builds one: the analyzer's copy, then the rest on this thread. */
    private LeakReport build(Analyzer a, ReportRequest request, long dropped) {
        java.util.Map<Integer, String> os = ProcFds.list(ProcFds.self());
        return new ReportBuilder(new StackResolver(), ledger, AgentOptions.DEFAULT_DEPTH, null)
                .build(
                        request,
                        a.copy(request),
                        os,
                        os,
                        new ReportBuilder.Counts(0, dropped, 0),
                        List.of(),
                        dev.jhtrace.agent.report.Suppressions.NONE);
    }

    private void event(TraceType type, int fd, int descriptorId, boolean reclaimed) {
        HandleEvent e = new HandleEvent();
        e.type = type;
        e.fd = fd;
        e.kind = HandleKind.FILE;
        e.description = "/f" + fd;
        e.thread = "t";
        e.timeMillis = 1;
        e.stack = new Throwable();
        e.descriptorId = descriptorId;
        e.reclaimed = reclaimed;
        analyzer.onEvent(e, 0, true);
    }

    private LeakReport report() {
        return build(analyzer, ReportRequest.leaks(true, t -> true), 7);
    }

    @Test
    void reusedNumbersGetNewGenerations() {
        event(TraceType.OPEN, 5000, 0, false);
        event(TraceType.CLOSE, 5000, 0, false);
        event(TraceType.OPEN, 5000, 0, false);
        LeakReport r = report();
        assertEquals(2, r.traces().get(0).generation(), "newest first: the second OPEN is generation 2");
        assertEquals("OPEN", r.traces().get(0).type());
        assertEquals(1, r.traces().get(1).generation(), "the CLOSE belongs to generation 1");
        assertEquals(7, r.dropped());
    }

    @Test
    void aJavaEventsWallTimeComesFromItsMonotonicStamp() {
        // hooks stamp only System.nanoTime(); the analyzer maps it to the wall clock
        long before = System.currentTimeMillis();
        HandleEvent e = new HandleEvent();
        e.type = TraceType.OPEN;
        e.fd = 5100;
        e.kind = HandleKind.FILE;
        e.thread = "t";
        e.nanos = System.nanoTime() - 3_000_000_000L; // three seconds ago
        e.stack = new Throwable();
        analyzer.onEvent(e, 0, true);
        long after = System.currentTimeMillis();
        long at = report().traces().get(0).time();
        assertTrue(
                at >= before - 3_000 - 1 && at <= after - 3_000 + 1,
                at + " is not three seconds before " + before + ".." + after);
    }

    @Test
    void traceDatabaseKeepsTheNewest() {
        for (int i = 0; i < 10; i++) {
            event(TraceType.OPEN, 6000 + i, 0, false);
        }
        LeakReport r = report();
        assertEquals(4, r.parsed());
        assertEquals(
                List.of(6009, 6008, 6007, 6006),
                r.traces().stream().map(t -> t.handle()).toList());
    }

    @Test
    void badReferenceNamesTheHandleItsDescriptorLastHeld() {
        event(TraceType.OPEN, 7000, 42, false);
        event(TraceType.CLOSE, 7000, 42, false);
        event(TraceType.BAD_REFERENCE, -1, 42, false);
        LeakReport r = report();
        assertEquals("BAD_REFERENCE", r.traces().get(0).type());
        assertEquals(7000, r.traces().get(0).handle());
        assertEquals("/f7000", r.traces().get(0).description());
    }

    private TableCopy table() {
        return analyzer.copy(ReportRequest.leaks(true, t -> true));
    }

    /** Fills the database of 4 with traces of another number, so that every older trace gives way. */
    private void churn() {
        for (int i = 0; i < 4; i++) {
            event(TraceType.OPEN, 9999, 0, false);
            event(TraceType.CLOSE, 9999, 0, false);
        }
    }

    @Test
    void anOpenHandleWhoseOpenTraceGaveWayKeepsItsOpenAndItsNumberItsCount() {
        event(TraceType.OPEN, 9000, 0, false);
        churn();
        TableCopy t = table();
        assertTrue(t.traces().stream().noneMatch(tr -> tr.fd == 9000), "its OPEN trace gave way");
        HandleRecord open =
                t.open().stream().filter(h -> h.fd == 9000).findFirst().orElseThrow();
        assertEquals("/f9000", open.description);
        assertEquals(1, open.generation);
        assertTrue(open.javaStack != null, "with its stack");
        event(TraceType.CLOSE, 9000, 0, false);
        churn();
        event(TraceType.OPEN, 9000, 0, false);
        assertEquals(
                2,
                table().open().stream().filter(h -> h.fd == 9000).findFirst().orElseThrow().generation,
                "the next use of the number counts on, though every trace of the first gave way");
    }

    @Test
    void aBadReferenceIsNamedAfterACloseOnlyWhileThatCloseIsKept() {
        event(TraceType.OPEN, 9100, 0, false);
        event(TraceType.CLOSE, 9100, 0, false);
        event(TraceType.BAD_REFERENCE, 9100, 0, false); // a second close of the number: native code's double close
        assertEquals("/f9100", table().traces().get(0).previous.description, "named after the number's last close");
        event(TraceType.OPEN, 9200, 55, false);
        event(TraceType.CLOSE, 9200, 55, false);
        churn(); // both closes gave way: their slots hold other traces now
        event(TraceType.BAD_REFERENCE, 9100, 0, false);
        event(TraceType.BAD_REFERENCE, -1, 55, false);
        List<Trace> traces = table().traces();
        assertNull(traces.get(0).previous, "a descriptor whose close gave way: not named after what reused its slot");
        assertEquals(-1, traces.get(0).fd);
        assertNull(traces.get(1).previous, "a number whose close gave way: likewise");
    }

    @Test
    void aNumberFirstSeenClosedCountsItsUsesFromOneWhateverItsEntryWasMadeFrom() {
        for (int i = 0; i < 3; i++) {
            event(TraceType.OPEN, 9400, 0, false);
            event(TraceType.CLOSE, 9400, 0, false);
        }
        event(TraceType.OPEN, 9400, 0, false); // generation 4
        churn(); // its entry leaves the database
        event(TraceType.OPEN, 9400, 0, false); // generation 5: the entry of generation 4 is a spare now
        event(TraceType.CLOSE, 9500, 0, false); // a number opened before tracing: its entry made from that spare
        event(TraceType.OPEN, 9500, 0, false);
        assertEquals(1, analyzer.entryOf(9500).generation);
        assertEquals(5, analyzer.entryOf(9400).generation);
    }

    @Test
    void anOpenHandleCarriesNoSecondSiteWhateverItsTraceSlotHeldBefore() {
        for (int i = 0; i < 8; i++) { // every slot of the database of 4 has been a CLOSE, with where it was opened
            event(TraceType.OPEN, 9600, 0, false);
            event(TraceType.CLOSE, 9600, 0, false);
        }
        event(TraceType.OPEN, 9700, 0, false);
        assertNull(analyzer.entryOf(9700).opened, "32 bytes more per open handle");
        event(TraceType.CLOSE, 9700, 0, false);
        Trace close = table().traces().get(0);
        assertTrue(close.hasOpened(), "the close still knows where its handle was opened");
        assertEquals("t", close.opened.thread);
    }

    @Test
    void aDisableForgetsTheTracesButNotTheCountOfUses() {
        event(TraceType.OPEN, 9300, 0, false);
        event(TraceType.CLOSE, 9300, 0, false);
        analyzer.clear();
        assertEquals(0, analyzer.traceCount());
        event(TraceType.OPEN, 9300, 0, false);
        assertEquals(2, table().traces().get(0).generation);
    }

    @Test
    void cleanerClosesAreReclaimedHandlesWithTheirOpenStack() {
        event(TraceType.OPEN, 8000, 0, false);
        event(TraceType.CLOSE, 8000, 0, true);
        LeakReport r = report();
        assertEquals(1, r.reclaimed().size());
        assertEquals(8000, r.reclaimed().get(0).handle());
        var open = r.traces().stream()
                .filter(t -> t.type().equals("OPEN") && t.handle() == 8000)
                .findFirst()
                .orElseThrow();
        assertFalse(open.stack().isEmpty());
        assertSame(open.stack(), r.reclaimed().get(0).stack(), "the reclaimed handle carries its open stack");
        assertEquals("CLOSE", r.traces().get(0).type());
    }

    @Test
    void aDiffListsTheHandlesOpenedSinceTheSnapshotThatTheCleanerClosed() {
        event(TraceType.OPEN, 8100, 0, false);
        event(TraceType.OPEN, 8101, 0, false);
        event(TraceType.CLOSE, 8101, 0, true); // reclaimed before the snapshot: not the diff's
        analyzer.takeSnapshot(ProcFds.list(ProcFds.self()).keySet());
        event(TraceType.OPEN, 8102, 0, false);
        event(TraceType.CLOSE, 8102, 0, true); // opened and reclaimed since: a leak of the interval
        event(TraceType.CLOSE, 8100, 0, true); // opened before the snapshot: not the diff's
        LeakReport r = build(analyzer, ReportRequest.diff(true), 0);
        assertEquals(List.of(8102), r.reclaimed().stream().map(h -> h.handle()).toList());
        assertEquals(
                List.of(8101, 8102, 8100),
                report().reclaimed().stream().map(h -> h.handle()).toList(),
                "the exit report has all");
    }

    @Test
    void stacksFromTheSameSiteAreStoredOnce() {
        for (int i = 0; i < 2; i++) {
            event(TraceType.OPEN, 9100 + i, 0, false);
        }
        LeakReport r = report();
        assertEquals(r.traces().get(0).stack(), r.traces().get(1).stack());
        assertSame(r.traces().get(0).stack(), r.traces().get(1).stack());
    }

    @Test
    void handlesTheOsNoLongerHasAreNotReported() {
        event(TraceType.OPEN, 9000, 0, false); // no such fd in this test JVM
        assertTrue(report().openHandles().stream().noneMatch(h -> h.handle() == 9000));
    }

    @Test
    void withNoTraceDatabaseOpenHandlesAreStillTracked() throws Exception {
        Analyzer none = new Analyzer(0, ledger);
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/self/status")) {
            int fd = (int) java.nio.file.Files.list(java.nio.file.Paths.get("/proc/self/fd"))
                    .filter(p -> {
                        try {
                            return java.nio.file.Files.readSymbolicLink(p)
                                    .toString()
                                    .equals("/proc/" + ProcessHandle.current().pid() + "/status");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    })
                    .map(p -> Integer.parseInt(p.getFileName().toString()))
                    .findFirst()
                    .orElseThrow();
            HandleEvent e = new HandleEvent();
            e.type = TraceType.OPEN;
            e.fd = fd;
            e.kind = HandleKind.FILE;
            e.thread = "t";
            e.traceId = 0;
            e.frames = List.of(new StackTraceElement("com.example.App", "main", "App.java", 7));
            none.onEvent(e, 0, true);
            LeakReport r = build(none, ReportRequest.leaks(false, t -> true), 0);
            assertEquals(0, r.parsed(), "max=0 keeps no traces");
            assertTrue(r.traces().isEmpty());
            assertTrue(
                    r.openHandles().stream().anyMatch(h -> h.handle() == fd),
                    "but the open handle is reported: " + r.openHandles());
        }
    }

    /**
     * Warms up, then runs 100,000 open+close pairs over 50 numbers from {@code firstFd}.
     *
     * @return the bytes the analyzer allocated in those pairs
     */
    private static long allocatedBySteadyState(Analyzer a, int firstFd) {
        HandleEvent e = new HandleEvent();
        // the first rounds make the table's entries and fill the trace database; after that nothing new is needed
        for (int i = 0; i < 3000; i++) {
            pair(a, e, firstFd + i % 50, i);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            pair(a, e, firstFd + i % 50, i);
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void aSteadyStateOfOpensAndClosesAllocatesNothing() {
        long allocated = allocatedBySteadyState(new Analyzer(1000, ledger), 200);
        assertTrue(allocated < 10_000, "100,000 open+close pairs allocated " + allocated + " bytes in the analyzer");
    }

    @Test
    void numbersIdleLongerThanTheDatabaseHoldsAllocateNothingEither() {
        // 50 numbers in turn and room for 64 traces: each number's entry leaves the database before its next open,
        // taking a spare, and the next open gives one back
        Analyzer small = new Analyzer(64, ledger);
        long allocated = allocatedBySteadyState(small, 300);
        assertTrue(allocated < 10_000, "100,000 open+close pairs allocated " + allocated + " bytes in the analyzer");
        assertEquals(3000 / 50 + 100_000 / 50, small.entryOf(300).generation, "every open counted");
    }

    /** @return the number of a descriptor this JVM has open on {@code path} (opened by the caller) */
    private static int fdOf(String path) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds =
                java.nio.file.Files.list(java.nio.file.Paths.get("/proc/self/fd"))) {
            return fds.filter(p -> {
                        try {
                            return java.nio.file.Files.readSymbolicLink(p)
                                    .toString()
                                    .equals(path);
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    })
                    .map(p -> Integer.parseInt(p.getFileName().toString()))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private HandleEvent open(int fd, HandleKind kind, int drops) {
        HandleEvent e = new HandleEvent();
        e.type = TraceType.OPEN;
        e.fd = fd;
        e.kind = kind;
        e.thread = "t";
        e.drops = drops;
        e.frames = List.of(new StackTraceElement("com.example.App", "main", "App.java", 7));
        return e;
    }

    @Test
    void aHandleWhoseLaterEventsWereDroppedIsNotVouchedFor() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jhtrace-analyzer", ".txt");
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            int fd = fdOf(file.toString());
            analyzer.onEvent(open(fd, HandleKind.FILE, ledger.count(fd)), 0, true);
            assertTrue(
                    report().openHandles().stream().anyMatch(h -> h.handle() == fd),
                    "vouched for while nothing was dropped");
            ledger.dropped(fd); // its close and another handle's open may have been among the dropped
            LeakReport r = report();
            assertTrue(
                    r.openHandles().stream().noneMatch(h -> h.handle() == fd),
                    "a stack that may be another life's: " + r.openHandles());
            assertTrue(
                    r.untraced().stream().anyMatch(u -> u.handle() == fd && u.lost()),
                    "listed as lost: " + r.untraced());
            assertEquals(1, r.lost());
            // a later open of the number, made after the drop, is vouched for again
            analyzer.onEvent(open(fd, HandleKind.FILE, ledger.count(fd)), 0, true);
            assertTrue(report().openHandles().stream().anyMatch(h -> h.handle() == fd));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aLeakOnTheNumberOfAnAgentHandleWhoseCloseWasDroppedIsListedNotHidden() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jhtrace-analyzer", ".txt");
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            int fd = fdOf(file.toString());
            HandleEvent agents = open(fd, HandleKind.SOCKET, ledger.count(fd)); // a CLI connection the agent accepted
            agents.agent = true;
            analyzer.onEvent(agents, 0, true);
            LeakReport before = report();
            assertTrue(before.untraced().stream().noneMatch(u -> u.handle() == fd), "the agent's own: hidden");
            // its close was dropped, and so was the open of the program's handle now under that number
            ledger.dropped(fd);
            ledger.dropped(fd);
            LeakReport r = report();
            assertTrue(
                    r.untraced().stream().anyMatch(u -> u.handle() == fd && u.lost()),
                    "the program's handle is listed as lost, not hidden as the agent's: " + r.untraced());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aRecordOfAnotherKindThanTheOsSaysIsNeverShownWithItsStack() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jhtrace-analyzer", ".txt");
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            int fd = fdOf(file.toString());
            analyzer.onEvent(open(fd, HandleKind.SOCKET, ledger.count(fd)), 0, true); // an older life: a socket
            LeakReport r = report();
            assertTrue(
                    r.openHandles().stream().noneMatch(h -> h.handle() == fd),
                    r.openHandles().toString());
            assertTrue(
                    r.untraced().stream().anyMatch(u -> u.handle() == fd && !u.lost()),
                    r.untraced().toString());
        } finally {
            java.nio.file.Files.delete(file);
        }
        assertFalse(ReportBuilder.sameKind(HandleKind.FILE, "socket:[123]"));
        assertFalse(ReportBuilder.sameKind(HandleKind.SOCKET, "/tmp/x"));
        assertTrue(ReportBuilder.sameKind(HandleKind.SOCKET, "pipe:[5]"), "wakeup pairs are pipes on some JDKs");
        assertTrue(ReportBuilder.sameKind(HandleKind.UNKNOWN, "socket:[123]"));
    }

    @Test
    void anEventThatCannotBeProcessedIsSkippedAndCounted() {
        HandleEvent bad = open(Integer.MAX_VALUE, HandleKind.FILE, 0); // no table can hold that number
        analyzer.onEvent(bad, 0, true);
        event(TraceType.OPEN, 5200, 0, false);
        LeakReport r = report();
        assertEquals(1, r.errors(), "the bad event is counted");
        assertEquals("OPEN", r.traces().get(0).type(), "and the next one is processed");
        assertEquals(2, r.events());
    }

    private static final TraceType[] OPEN_CLOSE = {TraceType.OPEN, TraceType.CLOSE};

    private static void pair(Analyzer analyzer, HandleEvent e, int fd, int i) {
        for (TraceType type : OPEN_CLOSE) {
            e.type = type;
            e.fd = fd;
            e.kind = HandleKind.FILE;
            e.description = "/f";
            e.thread = "t";
            e.timeMillis = i;
            e.nanos = i;
            e.traceId = 1 + i % 7; // stacks interned by the native module: ints
            e.descriptorId = 1 + fd;
            analyzer.onEvent(e, 0, true);
        }
    }

    @Test
    void theThresholdIsToldOncePerArmingWhenTheProgramsOpenHandlesFirstExceedIt() {
        List<int[]> told = new java.util.ArrayList<>();
        analyzer.armThreshold(3, (limit, open) -> told.add(new int[] {limit, open}));
        for (int fd = 5200; fd < 5203; fd++) {
            event(TraceType.OPEN, fd, 0, false);
        }
        assertEquals(0, told.size(), "3 open is not over 3");
        event(TraceType.OPEN, 5200, 0, false); // a number reopened whose close no hook saw: still 3 open
        assertEquals(3, analyzer.programOpen());
        event(TraceType.CLOSE, 5202, 0, false);
        event(TraceType.OPEN, 5202, 0, false);
        assertEquals(0, told.size(), "a close and an open: still 3");
        event(TraceType.OPEN, 5203, 0, false);
        assertEquals(1, told.size());
        assertEquals(3, told.get(0)[0]);
        assertEquals(4, told.get(0)[1]);
        event(TraceType.CLOSE, 5203, 0, false);
        event(TraceType.OPEN, 5203, 0, false);
        event(TraceType.OPEN, 5204, 0, false);
        assertEquals(1, told.size(), "once: a program at its threshold crosses it again and again");
        analyzer.armThreshold(5, (limit, open) -> told.add(new int[] {limit, open}));
        event(TraceType.OPEN, 5205, 0, false);
        assertEquals(2, told.size(), "a new threshold is told once more");
        assertEquals(6, told.get(1)[1]);
        analyzer.clear();
        assertEquals(0, analyzer.programOpen(), "after -disable, nothing is known to be open");
    }
}
