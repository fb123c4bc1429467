package dev.jhtrace.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Puts the advice of every {@link HookPoint} into the JDK with retransformation.
 *
 * <p>JDK classes are already loaded when the agent starts, so everything is a retransformation with
 * no class format changes (advice is inlined; no fields or methods are added). The hooked classes are
 * loaded (not initialised) first, so that every hook is in place, and can be checked, before {@code main}.
 */
final class HookInstaller {
    private HookInstaller() {
    }

    /**
     * @param inst   the instrumentation
     * @param points what to hook
     * @return warnings: hook groups that matched no method, types that failed to transform
     */
    static List<String> install(Instrumentation inst, List<HookPoint> points) {
        // ByteBuddy's "safe" mode keeps it off sun.misc.Unsafe, which JDK 24+ warns about on stderr. The
        // property name is relocated with ByteBuddy (so derive it from a class name), and it is removed
        // again once ByteBuddy's classes have read it
        String safe = AgentBuilder.class.getPackageName().replace(".agent.builder", "") + ".safe";
        boolean setSafe = System.getProperty(safe) == null;
        if (setSafe) {
            System.setProperty(safe, "true");
        }
        try {
            return installSafely(inst, points);
        } finally {
            if (setSafe) {
                System.clearProperty(safe);
            }
        }
    }

    private static List<String> installSafely(Instrumentation inst, List<HookPoint> points) {
        Map<String, List<HookPoint>> byType = new LinkedHashMap<>();
        for (HookPoint p : points) {
            byType.computeIfAbsent(p.type(), k -> new ArrayList<>()).add(p);
        }
        List<String> warnings = new ArrayList<>();
        List<Class<?>> loaded = new ArrayList<>();
        for (String type : byType.keySet()) {
            try {
                loaded.add(Class.forName(type, false, null));
            } catch (ClassNotFoundException | LinkageError e) {
                // left to the group check below: an alternative in another class may cover it
            }
        }
        Set<String> matched = ConcurrentHashMap.newKeySet();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        // advice is parsed once per advice class, not once per hook point
        Map<Class<?>, Advice> advice = new java.util.HashMap<>();
        for (HookPoint p : points) {
            advice.computeIfAbsent(p.advice(), Advice::to);
        }
        java.util.Set<String> hookedTypes = byType.keySet();
        java.util.Set<String> hookedInternalNames = new java.util.HashSet<>();
        for (String type : hookedTypes) {
            hookedInternalNames.add(type.replace('.', '/'));
        }
        AgentBuilder builder = new AgentBuilder.Default(new net.bytebuddy.ByteBuddy()
                .with(net.bytebuddy.dynamic.scaffold.TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                // only the hooked JDK classes are looked at: every other loaded class is skipped by name
                .ignore(new net.bytebuddy.matcher.ElementMatcher.Junction.AbstractBase<TypeDescription>() {
                    @Override
                    public boolean matches(TypeDescription target) {
                        return !hookedTypes.contains(target.getName());
                    }
                })
                .with(new FailureListener(failed));
        for (Map.Entry<String, List<HookPoint>> e : byType.entrySet()) {
            List<HookPoint> typePoints = e.getValue();
            builder = builder.type(named(e.getKey())).transform(
                    (DynamicType.Builder<?> b, TypeDescription td, ClassLoader cl, JavaModule m, java.security.ProtectionDomain pd) -> {
                        for (HookPoint p : typePoints) {
                            ElementMatcher.Junction<MethodDescription> matcher = matcher(p);
                            if (!td.getDeclaredMethods().filter(matcher).isEmpty()) {
                                matched.add(p.site());
                            }
                            b = b.visit(advice.get(p.advice()).on(matcher));
                        }
                        return b;
                    });
        }
        // Every hooked class is loaded by now, so the transformer only has to act on them: a name check in front
        // of ByteBuddy's keeps every other class the application loads from paying for a type description, and
        // retransforming the known classes directly skips the redefinition strategy's scan of all loaded classes.
        java.lang.instrument.ClassFileTransformer bytebuddy = builder.makeRaw();
        java.lang.instrument.ClassFileTransformer filtered = new java.lang.instrument.ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    java.security.ProtectionDomain domain, byte[] bytes)
                    throws java.lang.instrument.IllegalClassFormatException {
                if (className == null || loader != null || !hookedInternalNames.contains(className)) {
                    return null;
                }
                return bytebuddy.transform(module, loader, className, redefined, domain, bytes);
            }
        };
        inst.addTransformer(filtered, true);
        try {
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (java.lang.instrument.UnmodifiableClassException | RuntimeException | LinkageError e) {
            failed.add("retransformation (" + e + ")");
        }
        Map<String, Boolean> groups = new LinkedHashMap<>();
        for (HookPoint p : points) {
            groups.merge(p.group(), matched.contains(p.site()), Boolean::logicalOr);
        }
        Set<String> missing = new TreeSet<>();
        groups.forEach((group, ok) -> {
            if (!ok) {
                missing.add(group);
            }
        });
        if (!missing.isEmpty()) {
            warnings.add("hooks that matched nothing in this JDK (those handles are untraced): " + String.join(", ", missing));
        }
        if (!failed.isEmpty()) {
            warnings.add("JDK classes that could not be instrumented: " + String.join(", ", new TreeSet<>(failed)));
        }
        return warnings;
    }

    private static ElementMatcher.Junction<MethodDescription> matcher(HookPoint p) {
        ElementMatcher.Junction<MethodDescription> base = "<init>".equals(p.method())
                ? isConstructor() : named(p.method());
        return base.and(not(isAbstract())).and(not(isNative())).and(p.signature());
    }

    /** Collects types whose transformation failed, to report them once instead of losing them. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        private final Set<String> failed;

        FailureListener(Set<String> failed) {
            this.failed = failed;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            failed.add(typeName + " (" + throwable + ")");
        }
    }
}
