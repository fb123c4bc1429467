package dev.jhtrace.agent;

import dev.jhtrace.agent.jni.NativeFrames;
import java.util.Arrays;
import java.util.List;

/**
 * A stack captured on the application thread as a bare {@link Throwable} (cheap: the VM records method
 * ids, no {@link StackTraceElement}s) and resolved to frames only when someone looks at it, off the
 * application thread. Shared by the OPEN trace and the open-handle record it belongs to.
 */
final class CapturedStack {
    private static final String[] AGENT_PREFIXES = {"dev.jhtrace.agent.", "dev.jhtrace.bootstrap."};

    private Throwable raw;
    private int nativeId;
    private List<StackTraceElement> frames;

    CapturedStack(Throwable raw) {
        this.raw = raw;
    }

    /**
     * @param interner where equal stacks are shared
     * @return the frames, innermost first, without the agent's own frames on top
     */
    List<StackTraceElement> frames(StackInterner interner) {
        if (frames == null) {
            StackTraceElement[] all = nativeId > 0
                    ? NativeFrames.resolve(nativeId)
                    : raw == null ? new StackTraceElement[0] : raw.getStackTrace();
            int first = 0;
            while (first < all.length && isAgentFrame(all[first])) {
                first++;
            }
            frames = interner.intern(List.copyOf(Arrays.asList(all).subList(first, all.length)));
            raw = null;
        }
        return frames;
    }

    private static boolean isAgentFrame(StackTraceElement e) {
        for (String prefix : AGENT_PREFIXES) {
            if (e.getClassName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param id a stack interned by the native module
     * @return a stack resolved from it when first looked at
     */
    static CapturedStack ofNative(int id) {
        CapturedStack s = new CapturedStack(null);
        s.nativeId = id;
        return s;
    }

    /**
     * @param frames frames resolved already (native events)
     * @return a stack holding them
     */
    static CapturedStack of(List<StackTraceElement> frames) {
        CapturedStack s = new CapturedStack(null);
        s.frames = List.copyOf(frames);
        return s;
    }

    private static final CapturedStack NONE = of(List.of());

    /** @return the empty stack, for handles whose stack is unknown */
    static CapturedStack none() {
        return NONE;
    }
}
