package dev.jhtrace.agent.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java<->C contract: {@code native/src/jh_contract.h}, its Java twin {@link NativeContract}, and what the built
 * module reports (the build's {@code contract_dump}: the same {@code jh_contract.c} the library has) agree name for
 * name; and a drain record the C side wrote ({@code drain_record.c}) with a known value in every field reads back
 * field for field through {@link NativeRecord}.
 */
class NativeContractTest {
    private static final Path HEADER =
            Path.of(System.getProperty("jhtrace.native.dir", "../../native"), "src", "jh_contract.h");
    private static final Path DUMP = Path.of(System.getProperty("jhtrace.native.test", "target/native-test"));
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define (JH_[A-Z0-9_]+) \\(?(-?\\d+)\\)?");

    @Test
    void theHeaderAndItsJavaTwinHaveTheSameConstants() throws Exception {
        Map<String, Integer> header = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(HEADER));
        while (m.find()) {
            header.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertTrue(header.size() > 50, "constants found in " + HEADER + ": " + header.size());
        assertEquals(header, NativeContract.constants());
        long hash = NativeContract.hash(NativeContract.canonical(NativeContract.constants()));
        assertEquals(
                hash,
                NativeContract.CONTRACT_HASH,
                "a constant changed: NativeContract.CONTRACT_HASH = 0x" + Long.toHexString(hash) + "L");
    }

    @Test
    void theBuiltModuleReportsThisContract() throws Exception {
        String text = Files.readString(DUMP.resolve("contract.txt"));
        assertNull(NativeContract.mismatch(text), text);
        assertTrue(NativeContract.isThisContract(NativeContract.parse(text)), "matched by its hash, no reflection");
        assertEquals(NativeContract.constants().size(), text.split("\n").length, "every constant is reported: " + text);
        // and the check names what differs
        String moved = text.replace("JH_REC_HEADER=72", "JH_REC_HEADER=80");
        assertEquals("JH_REC_HEADER: agent 72, module 80", NativeContract.mismatch(moved));
        assertFalse(NativeContract.isThisContract(NativeContract.parse(moved)));
        assertEquals("JH_REC_EXTRA: unknown to the agent", NativeContract.mismatch(text + "JH_REC_EXTRA=80\n"));
        assertEquals("JH_REC_FD: agent 4, module none", NativeContract.mismatch(text.replace("JH_REC_FD=4\n", "")));
    }

    @Test
    void aRecordTheModuleWroteReadsBackFieldForField() throws Exception {
        byte[] bytes = Files.readAllBytes(DUMP.resolve("record.bin"));
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        b.put(bytes).flip();
        assertEquals(bytes.length, NativeRecord.size(b, 0));
        NativeRecord r = NativeRecord.read(b, 0);
        assertEquals(NativeContract.EVENT_CLOSE, r.type);
        assertEquals(1234, r.fd);
        assertEquals(9, r.err);
        assertEquals(777001, r.tid);
        assertEquals(5, r.call);
        assertEquals(42, r.drops);
        assertEquals(0x0102030405060708L, r.nanos);
        assertEquals(0x7f00112233445566L, r.caller);
        assertEquals("worker-thread-1", r.thread);
        assertEquals(0x7f0011aabbccdd00L, r.env);
        assertEquals("/tmp/a path\nwith \u001b escapes.txt", r.path);
        assertArrayEquals(new long[] {0x1000, 1, 0x1001, 11, 0x1002, 21}, r.frames);
    }

    @Test
    void aRecordCutShortOrWithAnImpossibleHeaderIsNotFramed() throws Exception {
        byte[] bytes = Files.readAllBytes(DUMP.resolve("record.bin"));
        ByteBuffer cut = ByteBuffer.allocateDirect(bytes.length - 1).order(ByteOrder.nativeOrder());
        cut.put(bytes, 0, bytes.length - 1).flip();
        assertEquals(-1, NativeRecord.size(cut, 0));
        ByteBuffer bad = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        bad.put(bytes).flip();
        bad.putInt(NativeContract.REC_NFRAMES, NativeContract.REC_MAX_FRAMES + 1);
        assertEquals(-1, NativeRecord.size(bad, 0));
    }
}
