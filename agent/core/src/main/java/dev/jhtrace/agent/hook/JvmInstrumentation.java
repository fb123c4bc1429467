package dev.jhtrace.agent.hook;

/**
 * What the agent needs from the JVM to put its hooks in: open JDK packages to itself, watch the hooked classes
 * load, retransform those already loaded.
 *
 * <p>Two starts give it: {@code -javaagent} through {@code java.lang.instrument} ({@link JplisInstrumentation}),
 * and {@code -agentpath} through JVMTI in the native module ({@link JvmtiInstrumentation}), which leaves
 * {@code java.instrument} out of the boot layer and so keeps the JVM's archived module graph. The rest of the
 * agent does not know which one it has.
 */
public abstract class JvmInstrumentation {
    JvmInstrumentation() {}

    /** @return whether loaded classes can be retransformed (without it no hook goes in) */
    public abstract boolean canRetransform();

    /**
     * Exports a package of {@code from} to {@code to}.
     *
     * @param from the module holding the package
     * @param pkg  the package, dotted
     * @param to   the module that may now use its public types
     */
    public abstract void addExports(Module from, String pkg, Module to);

    /**
     * Opens a package of {@code from} to {@code to}, for deep reflection.
     *
     * @param from the module holding the package
     * @param pkg  the package, dotted
     * @param to   the module that may now reach its private members
     */
    public abstract void addOpens(Module from, String pkg, Module to);

    /**
     * Lets {@code from} read {@code to}.
     *
     * @param from the reading module
     * @param to   the module it may now read
     */
    public abstract void addReads(Module from, Module to);

    /**
     * @return a lookup that may reach any member of any class (the JDK's trusted one), or null: with one, the agent
     *     needs no package opened to read the JDK's fields
     */
    java.lang.invoke.MethodHandles.Lookup trustedLookup() {
        return null;
    }

    /** @return the classes the JVM has loaded, never null */
    public abstract Class<?>[] loadedClasses();

    /**
     * Starts handing the hooked classes to {@code transformer} as they load or are retransformed.
     *
     * @param transformer the hooks' transformer
     */
    abstract void watch(HookTransformer transformer);

    /**
     * Retransforms classes: each passes through the watching transformer again.
     *
     * @param classes the classes
     * @throws Exception when the JVM refuses (one bad class fails the whole batch)
     */
    abstract void retransform(Class<?>... classes) throws Exception;
}
