package dev.jhtrace.agent.jni;

import static dev.jhtrace.agent.jni.NativeContract.REC_CALL;
import static dev.jhtrace.agent.jni.NativeContract.REC_CALLER;
import static dev.jhtrace.agent.jni.NativeContract.REC_DROPS;
import static dev.jhtrace.agent.jni.NativeContract.REC_ENV;
import static dev.jhtrace.agent.jni.NativeContract.REC_ERR;
import static dev.jhtrace.agent.jni.NativeContract.REC_FD;
import static dev.jhtrace.agent.jni.NativeContract.REC_FRAME_BYTES;
import static dev.jhtrace.agent.jni.NativeContract.REC_HEADER;
import static dev.jhtrace.agent.jni.NativeContract.REC_MAX_FRAMES;
import static dev.jhtrace.agent.jni.NativeContract.REC_MAX_PATH;
import static dev.jhtrace.agent.jni.NativeContract.REC_NFRAMES;
import static dev.jhtrace.agent.jni.NativeContract.REC_PATH_ALIGN;
import static dev.jhtrace.agent.jni.NativeContract.REC_PATH_LENGTH;
import static dev.jhtrace.agent.jni.NativeContract.REC_THREAD;
import static dev.jhtrace.agent.jni.NativeContract.REC_THREAD_BYTES;
import static dev.jhtrace.agent.jni.NativeContract.REC_TID;
import static dev.jhtrace.agent.jni.NativeContract.REC_TIME;
import static dev.jhtrace.agent.jni.NativeContract.REC_TYPE;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One native event as the module's drain writes it ({@code drain_record.c}, laid out by {@link NativeContract}'s
 * {@code REC_*}), read out of the drain buffer on the drain thread.
 */
public final class NativeRecord {
    /** {@code NativeContract.EVENT_*} */
    public final int type;
    /** The descriptor number. */
    public final int fd;
    /** errno of a failed call (bad references) */
    final int err;
    /** The kernel's thread id. */
    public final int tid;
    /** the hooked function's index ({@code NativeHooks.hookName0}) */
    public final int call;
    /** the drop ledger's count for fd when the hook recorded it */
    public final int drops;
    /** the hook's time, on {@link System#nanoTime()}'s clock */
    public final long nanos;
    /** the return address of the hooked call */
    public final long caller;
    /** the thread's name as the hook read it (the kernel's, at most 15 bytes), null when empty */
    public final String thread;
    /** the thread's JNIEnv address, 0 when the thread is not attached to the JVM */
    public final long env;
    /** the path or endpoint, null when none */
    public final String path;
    /** Java frames, innermost first: method id and bytecode index, pairwise */
    public final long[] frames;

    private NativeRecord(ByteBuffer b, int at, int pathLength, int nframes) {
        type = b.getInt(at + REC_TYPE);
        fd = b.getInt(at + REC_FD);
        err = b.getInt(at + REC_ERR);
        tid = b.getInt(at + REC_TID);
        call = b.getInt(at + REC_CALL);
        drops = b.getInt(at + REC_DROPS);
        nanos = b.getLong(at + REC_TIME);
        caller = b.getLong(at + REC_CALLER);
        byte[] name = new byte[REC_THREAD_BYTES];
        b.get(at + REC_THREAD, name);
        int nameLength = 0;
        while (nameLength < name.length && name[nameLength] != 0) {
            nameLength++;
        }
        thread = nameLength > 0 ? new String(name, 0, nameLength, StandardCharsets.UTF_8) : null;
        env = b.getLong(at + REC_ENV);
        byte[] p = new byte[pathLength];
        b.get(at + REC_HEADER, p);
        path = pathLength > 0 ? new String(p, StandardCharsets.UTF_8) : null;
        frames = new long[2 * nframes];
        int f = at + REC_HEADER + padded(pathLength);
        for (int i = 0; i < nframes; i++, f += REC_FRAME_BYTES) {
            frames[2 * i] = b.getLong(f);
            frames[2 * i + 1] = b.getLong(f + 8);
        }
    }

    private static int padded(int n) {
        return (n + REC_PATH_ALIGN - 1) & -REC_PATH_ALIGN;
    }

    /**
     * @param b     the drain buffer (native byte order), its limit the end of what was drained
     * @param at    where a record begins
     * @return the bytes the record there takes, or -1 when its header is not one the module writes or the record
     *     does not fit before the limit (the rest of the batch cannot be framed)
     */
    public static int size(ByteBuffer b, int at) {
        if (b.limit() - at < REC_HEADER) {
            return -1;
        }
        int pathLength = b.getInt(at + REC_PATH_LENGTH);
        int nframes = b.getInt(at + REC_NFRAMES);
        if (pathLength < 0 || pathLength > REC_MAX_PATH || nframes < 0 || nframes > REC_MAX_FRAMES) {
            return -1;
        }
        long size = REC_HEADER + padded(pathLength) + (long) nframes * REC_FRAME_BYTES;
        return size > b.limit() - at ? -1 : (int) size;
    }

    /**
     * @param b  the drain buffer
     * @param at where a record begins whose {@link #size} is not -1
     * @return the record
     */
    public static NativeRecord read(ByteBuffer b, int at) {
        return new NativeRecord(b, at, b.getInt(at + REC_PATH_LENGTH), b.getInt(at + REC_NFRAMES));
    }
}
