package dev.jhtrace.agent.hook;

import dev.jhtrace.agent.AgentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Puts the hooks of every {@link HookPoint} into the JDK.
 *
 * <p>The transformer is registered first, then the hooked classes already loaded are retransformed; classes
 * loaded later are hooked as they load. Nothing is loaded ahead of need: a program that never opens a socket
 * never pays for hooking the socket classes. No class format changes are made (the hooks are calls inlined
 * into existing methods), so retransformation is allowed on every JDK.
 */
public final class HookInstaller {
    private HookInstaller() {}

    /**
     * @param inst   the instrumentation
     * @param points what to hook
     * @return the transformer, to ask later which hooks matched
     */
    public static HookTransformer install(JvmInstrumentation inst, List<HookPoint> points) {
        return install(inst, points, null);
    }

    /**
     * @param inst   the instrumentation
     * @param points what to hook
     * @param cache  rewrites kept between runs ({@link TransformCache#load}), or null
     * @return the transformer, to ask later which hooks matched
     */
    public static HookTransformer install(JvmInstrumentation inst, List<HookPoint> points, TransformCache cache) {
        HookTransformer transformer = new HookTransformer(points, cache);
        inst.watch(transformer);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.loadedClasses()) {
            if (c.getClassLoader() == null && transformer.hooks(c.getName().replace('.', '/'))) {
                loaded.add(c);
            }
        }
        try {
            inst.retransform(loaded.toArray(new Class<?>[0]));
        } catch (Exception | LinkageError batch) {
            // one bad class fails the whole batch: retry one by one so that only that one stays unhooked
            for (Class<?> c : loaded) {
                try {
                    inst.retransform(c);
                } catch (Exception | LinkageError e) {
                    AgentLog.warn("jhtrace: " + c.getName() + " could not be instrumented (" + e
                            + "); its handles are untraced");
                }
            }
        }
        return transformer;
    }

    /**
     * @param transformer the installed transformer
     * @return a warning about hooks that matched nothing in this JDK, if any: what depends on the JDK alone
     */
    static List<String> checkJdk(HookTransformer transformer) {
        List<String> warnings = new ArrayList<>();
        Set<String> missing = transformer.unmatchedGroups();
        if (!missing.isEmpty()) {
            warnings.add("hooks that matched nothing in this JDK (those handles are untraced): "
                    + String.join(", ", missing));
        }
        return warnings;
    }

    /**
     * @param transformer the installed transformer
     * @return a warning about classes that could not be instrumented in this run, if any
     */
    static List<String> checkRun(HookTransformer transformer) {
        List<String> warnings = new ArrayList<>();
        Set<String> failed = transformer.failures();
        if (!failed.isEmpty()) {
            warnings.add("JDK classes that could not be instrumented: " + String.join(", ", failed));
        }
        return warnings;
    }
}
