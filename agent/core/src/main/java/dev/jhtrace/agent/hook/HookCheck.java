package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AgentLog;
import java.util.List;

/**
 * Checks that every hook group found its method in this JDK, and every field the capture reads exists
 * ({@link JdkFields}), and reports what did not (once on stderr, and in every report's warnings from then on).
 *
 * <p>The check reads the hooked classes that are not loaded yet from the runtime image: about twenty class
 * files. It runs when the first report is made rather than at start-up, so that the application's start-up
 * does not pay for a diagnostic of JDK drift; a program that exits without leaks and without a report never
 * runs it. Its verdict on the JDK is kept between runs ({@link HookCheckCache}).
 */
public final class HookCheck {
    private final HookTransformer transformer;
    private final List<String> warnings;
    private final HookCheckCache cache;
    private boolean done;

    /**
     * @param transformer the installed transformer
     * @param warnings    where the warnings go
     * @param cache       where the verdict on this JDK is kept between runs, or null for none
     */
    public HookCheck(HookTransformer transformer, List<String> warnings, HookCheckCache cache) {
        this.transformer = transformer;
        this.warnings = warnings;
        this.cache = cache;
    }

    /** Keeps this run's rewrites of the hooked classes for the next run ({@link TransformCache}), if it made any. */
    public void saveTransforms() {
        try {
            transformer.saveCache();
        } catch (Throwable t) {
            // a cache is an optimisation
        }
    }

    /** Runs the check, the first time only. */
    public synchronized void ensureDone() {
        if (done) {
            return;
        }
        done = true;
        try {
            List<String> found = new java.util.ArrayList<>();
            List<String> cached = cache != null ? cache.read() : null;
            if (cached != null) {
                found.addAll(cached);
            } else {
                found.addAll(HookInstaller.checkJdk(transformer));
                found.addAll(JdkFields.check()); // the fields the hooks read by name drift like the methods they hook
                if (cache != null && transformer.failures().isEmpty()) {
                    // a class that failed to be rewritten in this run reads as "matched nothing": not the JDK's verdict
                    cache.write(found);
                }
            }
            found.addAll(HookInstaller.checkRun(transformer));
            for (String w : found) {
                warnings.add(w);
                AgentLog.warn("jhtrace: " + w);
            }
        } catch (Throwable t) {
            AgentLog.warn("jhtrace: could not check the hooks (" + t + "); tracing goes on");
        }
    }
}
