package dev.jhtrace.agent;

import dev.jhtrace.agent.hook.Extractors;
import dev.jhtrace.agent.hook.HookPoint;
import dev.jhtrace.agent.jni.NativeHooks;
import dev.jhtrace.bootstrap.HookSink;
import java.util.List;

/**
 * The hooks' receiver on the application thread: finds the descriptors, captures the stack once, and
 * publishes to the ring without waiting.
 *
 * <p>Everything here is wrapped so that nothing can reach the application: a failure is counted and
 * reported once on stderr, and the hooked JDK call proceeds as if jhtrace were absent.
 */
public final class HandleCapture implements HookSink {
    private static final String CLEANER_THREAD = "Common-Cleaner";

    private final HookPoint[] points;
    /** Java frames of the agent on top of every capture: HandleHooks.x, HandleCapture.x and capture. */
    private static final int OWN_JAVA_FRAMES = 3;

    private final EventRing ring;
    /** Hook calls that failed and lost their event: reports count them ({@code stats.errors}). */
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

    private final int depth;
    private final int closeDepth;
    private volatile boolean enabled = true;
    private volatile boolean nativeHooks;

    HandleCapture(List<HookPoint> hookPoints, EventRing ring, int depth, int closeDepth) {
        this.depth = depth;
        this.closeDepth = closeDepth;
        this.points = hookPoints.toArray(new HookPoint[0]);
        this.ring = ring;
    }

    /** @param on whether hooks record anything */
    public void setEnabled(boolean on) {
        enabled = on;
        if (nativeHooks) {
            NativeHooks.setEnabled0(on);
        }
    }

    /** @param on whether the native module is loaded, so that {@link #setEnabled} switches it too */
    void setNative(boolean on) {
        nativeHooks = on;
        if (on) {
            NativeHooks.setEnabled0(enabled);
        }
    }

    /** @return whether hooks record anything */
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void opened(int site, Object owner, Object detail) {
        capture(site, owner, detail, -1, 0, null);
    }

    @Override
    public void openedFd(int site, int fd, Object detail, int flags) {
        capture(site, null, detail, fd, flags, null);
    }

    @Override
    public void closing(int site, Object owner) {
        capture(site, owner, null, -1, 0, null);
    }

    @Override
    public void closingFd(int site, int fd) {
        capture(site, null, null, fd, 0, null);
    }

    @Override
    public void failed(int site, Object owner, Throwable thrown) {
        capture(site, owner, thrown, -1, 0, thrown);
    }

    private void capture(int site, Object owner, Object detail, int fd, int flags, Throwable thrown) {
        AgentThreads.State state = enabled ? AgentThreads.enterCapture() : AgentThreads.enterCaptureIfAgent();
        if (state == null) {
            return;
        }
        try {
            HookPoint point = site >= 0 && site < points.length ? points[site] : null;
            if (point == null) {
                return;
            }
            Emitter out = state.emitter;
            if (out == null) {
                out = new Emitter(ring);
                state.emitter = out;
            }
            boolean reclaimed = point.trace() == TraceType.CLOSE
                    && CLEANER_THREAD.equals(Thread.currentThread().getName());
            out.begin(point.trace(), reclaimed, state.inAgent);
            Extractors.extract(point.extraction(), owner, thrown != null ? thrown : detail, fd, flags, out);
            int traceId = 0;
            Throwable stack = null;
            if (out.wantsStack()) {
                // called here, three Java frames below the hooked JDK method (HandleHooks.x, this.x, capture): the
                // native capture walks them without keeping them. The agent's own handles need no stack: they
                // are only accounted for, never shown. Java's own capture is the fallback
                if (NativeHooks.fastStacks) {
                    // a close needs fewer frames than an open: its top names the closer, and a leak is found by its
                    // open
                    traceId = NativeHooks.captureStack0(
                            OWN_JAVA_FRAMES + NativeHooks.nativeFrame,
                            point.trace() == TraceType.CLOSE ? closeDepth : depth);
                }
                if (traceId <= 0) {
                    stack = new Throwable();
                }
            }
            out.publish(traceId, stack);
        } catch (Throwable t) {
            failures.incrementAndGet();
            String name = site >= 0 && site < points.length ? points[site].site() : String.valueOf(site);
            AgentLog.once("capture:" + name, "jhtrace: hook " + name + " failed and is skipped: " + t);
        } finally {
            AgentThreads.exitCapture(state);
        }
    }

    /** @return hook calls that failed and lost their event */
    long failures() {
        return failures.get();
    }
}
