package dev.jhtrace.agent.hook;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/** {@link JvmInstrumentation} through {@code java.lang.instrument}: the {@code -javaagent} start and dynamic attach. */
public final class JplisInstrumentation extends JvmInstrumentation {
    private final Instrumentation inst;

    /** @param inst what the JVM gave {@code premain} or {@code agentmain} */
    public JplisInstrumentation(Instrumentation inst) {
        this.inst = inst;
    }

    @Override
    public boolean canRetransform() {
        return inst.isRetransformClassesSupported();
    }

    @Override
    public void addExports(Module from, String pkg, Module to) {
        inst.redefineModule(from, Set.of(), Map.of(pkg, Set.of(to)), Map.of(), Set.of(), Map.of());
    }

    @Override
    public void addOpens(Module from, String pkg, Module to) {
        inst.redefineModule(from, Set.of(), Map.of(), Map.of(pkg, Set.of(to)), Set.of(), Map.of());
    }

    @Override
    public void addReads(Module from, Module to) {
        inst.redefineModule(from, Set.of(to), Map.of(), Map.of(), Set.of(), Map.of());
    }

    @Override
    public Class<?>[] loadedClasses() {
        Class<?>[] loaded = inst.getAllLoadedClasses();
        return loaded != null ? loaded : new Class<?>[0];
    }

    @Override
    void watch(HookTransformer transformer) {
        inst.addTransformer(new Adapter(transformer), true);
    }

    @Override
    void retransform(Class<?>... classes) throws Exception {
        inst.retransformClasses(classes);
    }

    /** The hooks' transformer as java.lang.instrument calls it (a class, not a lambda: no bootstrap at start-up). */
    private static final class Adapter implements ClassFileTransformer {
        private final HookTransformer transformer;

        Adapter(HookTransformer transformer) {
            this.transformer = transformer;
        }

        @Override
        public byte[] transform(
                Module module,
                ClassLoader loader,
                String className,
                Class<?> redefined,
                ProtectionDomain domain,
                byte[] bytes) {
            return loader == null ? transformer.transform(className, bytes) : null;
        }
    }
}
