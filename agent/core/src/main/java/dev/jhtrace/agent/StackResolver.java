package dev.jhtrace.agent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the stacks events carry (a native module's interned id, or a Java capture) into frames, for reports.
 *
 * <p>Reports are built on the thread that asked for them, not on the analyzer, so that eight threads publishing
 * events are not held up while frames are resolved and {@code /proc} is read. Requests may come from several such
 * threads at once (the control channel, the MBean, the shutdown report), hence the lock; the analyzer never takes it.
 */
final class StackResolver {
    private final StackInterner interner = new StackInterner();
    /** Native stacks resolved so far, by id. */
    private final Map<Integer, CapturedStack> nativeStacks = new HashMap<>();

    /**
     * @param stackId   the native module's interned stack, used when {@code javaStack} is null
     * @param javaStack a Java capture, or null
     * @return the frames, innermost first, without the agent's own
     */
    synchronized List<StackTraceElement> frames(int stackId, CapturedStack javaStack) {
        if (javaStack != null) {
            return javaStack.frames(interner);
        }
        CapturedStack s = nativeStacks.get(stackId);
        if (s == null) {
            if (nativeStacks.size() >= 65_536) {
                nativeStacks.clear(); // bounded; a stack resolved again costs one more lookup, nothing else
            }
            s = CapturedStack.ofNative(stackId);
            nativeStacks.put(stackId, s);
        }
        return s.frames(interner);
    }
}
