package dev.jhtrace.agent.hook;

/**
 * {@link JvmInstrumentation} through JVMTI, for the native start ({@code -agentpath:libjhtrace.so}).
 *
 * <p>Its native methods are registered by the native module when it loads this class, before
 * {@code JhtraceAgent.nativeStart} runs ({@code native/src/class_hooks.c}). The native class file load hook
 * compares a loading class's name with the hooked ones in C and calls {@link #transform} only for those, so the
 * thousands of other classes a program loads never enter Java: with {@code java.lang.instrument} each would be
 * copied into a byte array and handed to every transformer.
 */
public final class JvmtiInstrumentation extends JvmInstrumentation {
    private static volatile HookTransformer watching;

    /** Created by {@code JhtraceAgent.nativeStart} only, once the natives are registered. */
    public JvmtiInstrumentation() {}

    @Override
    public boolean canRetransform() {
        return canRetransform0();
    }

    @Override
    public void addExports(Module from, String pkg, Module to) {
        check(addExports0(from, pkg, to), "exporting " + pkg);
    }

    @Override
    public void addOpens(Module from, String pkg, Module to) {
        check(addOpens0(from, pkg, to), "opening " + pkg);
    }

    @Override
    public void addReads(Module from, Module to) {
        check(addReads0(from, to), "letting " + from + " read " + to);
    }

    /**
     * The JDK's trusted lookup, fetched by the native module: the native start makes its VarHandles on JDK fields
     * with it instead of opening their packages, whose reflective bookkeeping spins the JVM's first lambda classes
     * (10-15 ms of a start; {@code native/src/class_hooks.c}).
     */
    @Override
    java.lang.invoke.MethodHandles.Lookup trustedLookup() {
        return trustedLookup0();
    }

    @Override
    public Class<?>[] loadedClasses() {
        Class<?>[] loaded = loadedClasses0();
        return loaded != null ? loaded : new Class<?>[0];
    }

    @Override
    void watch(HookTransformer transformer) {
        if (watching != null) {
            throw new IllegalStateException("the class hook is installed already");
        }
        watching = transformer;
        check(watch0(transformer.hookedClasses()), "enabling the class file load hook");
    }

    @Override
    void retransform(Class<?>... classes) {
        check(retransform0(classes), "retransforming " + classes.length + " classes");
    }

    /**
     * Called by the native class file load hook for a hooked class of the bootstrap loader.
     *
     * @param internalName the class's internal name
     * @param redefined    the class when it is retransformed, null when it loads
     * @param bytes        its class file
     * @return the hooked class file, or null to leave it as it is
     */
    static byte[] transform(String internalName, Class<?> redefined, byte[] bytes) {
        HookTransformer t = watching;
        try {
            return t != null ? t.transform(internalName, bytes) : null;
        } catch (Throwable e) {
            return null; // the transformer reports its own failures; nothing may escape into class loading
        }
    }

    private static void check(int jvmtiError, String what) {
        if (jvmtiError != 0) {
            throw new IllegalStateException("JVMTI error " + jvmtiError + " " + what);
        }
    }

    private static native boolean canRetransform0();

    private static native int watch0(String[] internalNames);

    private static native int retransform0(Class<?>[] classes);

    private static native Class<?>[] loadedClasses0();

    private static native int addExports0(Module from, String pkg, Module to);

    private static native int addOpens0(Module from, String pkg, Module to);

    private static native int addReads0(Module from, Module to);

    private static native java.lang.invoke.MethodHandles.Lookup trustedLookup0();

    private static native byte[] getenv0(String name);

    /**
     * The C library's {@code getenv} for {@link dev.jhtrace.agent.os.StartEnvironment}: the JDK's copy of the
     * environment is left for the program to make if it wants one.
     */
    public static final class LibcGetenv implements dev.jhtrace.agent.os.StartEnvironment.NativeGetenv {
        @Override
        public byte[] getenv(String name) {
            return getenv0(name);
        }
    }
}
