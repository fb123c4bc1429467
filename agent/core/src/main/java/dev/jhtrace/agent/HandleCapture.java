package dev.jhtrace.agent;

import dev.jhtrace.bootstrap.HookSink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hooks' receiver on the application thread: finds the descriptors, captures the stack once, and
 * publishes to the ring without waiting.
 *
 * <p>Everything here is wrapped so that nothing can reach the application: a failure is counted and
 * reported once on stderr, and the hooked JDK call proceeds as if jhtrace were absent.
 */
final class HandleCapture implements HookSink {
    private static final String CLEANER_THREAD = "Common-Cleaner";

    private final Map<String, HookPoint> points = new HashMap<>();
    private final EventRing ring;
    private volatile boolean enabled = true;
    private volatile boolean nativeHooks;

    HandleCapture(List<HookPoint> hookPoints, EventRing ring) {
        for (HookPoint p : hookPoints) {
            points.put(p.site(), p);
        }
        this.ring = ring;
    }

    /** @param on whether hooks record anything */
    void setEnabled(boolean on) {
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
    boolean isEnabled() {
        return enabled;
    }

    @Override
    public void opened(String site, Object owner, Object detail) {
        capture(site, owner, detail, -1, 0, null);
    }

    @Override
    public void openedFd(String site, int fd, Object detail, int flags) {
        capture(site, null, detail, fd, flags, null);
    }

    @Override
    public void closing(String site, Object owner) {
        capture(site, owner, null, -1, 0, null);
    }

    @Override
    public void closingFd(String site, int fd) {
        capture(site, null, null, fd, 0, null);
    }

    @Override
    public void failed(String site, Object owner, Throwable thrown) {
        capture(site, owner, thrown, -1, 0, thrown);
    }

    private void capture(String site, Object owner, Object detail, int fd, int flags, Throwable thrown) {
        if (!enabled) {
            return;
        }
        AgentThreads.State state = AgentThreads.enterCapture();
        if (state == null) {
            return;
        }
        try {
            HookPoint point = points.get(site);
            if (point == null) {
                return;
            }
            Emitter out = state.emitter;
            if (out == null) {
                out = new Emitter(ring);
                state.emitter = out;
            }
            boolean reclaimed = point.trace() == TraceType.CLOSE && CLEANER_THREAD.equals(Thread.currentThread().getName());
            out.begin(point.trace(), reclaimed, state.inAgent);
            point.extractor().extract(owner, thrown != null ? thrown : detail, fd, flags, out);
            out.end();
        } catch (Throwable t) {
            AgentLog.once("capture:" + site, "jhtrace: hook " + site + " failed and is skipped: " + t);
        } finally {
            AgentThreads.exitCapture(state);
        }
    }
}
