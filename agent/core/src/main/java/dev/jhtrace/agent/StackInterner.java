package dev.jhtrace.agent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps one copy of each distinct resolved stack: handles opened from the same site, which is what a leak
 * usually is, then share one frame list. Used under {@link StackResolver}'s lock.
 */
final class StackInterner {
    private static final int MAX_STACKS = 65_536;

    private final Map<List<StackTraceElement>, List<StackTraceElement>> stacks = new HashMap<>();

    /**
     * @param frames a resolved stack
     * @return the shared copy equal to it
     */
    List<StackTraceElement> intern(List<StackTraceElement> frames) {
        List<StackTraceElement> shared = stacks.putIfAbsent(frames, frames);
        if (shared != null) {
            return shared;
        }
        if (stacks.size() > MAX_STACKS) {
            stacks.clear(); // bound the table; stacks already shared stay shared
        }
        return frames;
    }

    /** @return distinct stacks held */
    int size() {
        return stacks.size();
    }
}
