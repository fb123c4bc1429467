package dev.jhtrace.agent.hook;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads private fields of JDK classes (descriptor numbers, owned channels) for the capture code.
 *
 * <p>The JDK packages that hold handle state are opened to the agent's module once with
 * {@link JvmInstrumentation#addOpens}; afterwards every field read is a cached {@link VarHandle}, which is
 * as cheap as a plain field access once compiled.
 */
public final class JdkAccess {
    private static final String[] OPENED_PACKAGES = {
        "java.io", "java.lang", "sun.nio.ch", "sun.nio.fs", "java.net", "sun.net", "sun.net.www.http"
    };

    private static final ClassValue<Map<String, VarHandle>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, VarHandle> computeValue(Class<?> type) {
            Map<String, VarHandle> handles = new HashMap<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || handles.containsKey(f.getName())) {
                        continue;
                    }
                    try {
                        handles.put(f.getName(), lookupIn(c).unreflectVarHandle(f));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // a package we did not open: the field stays unreadable and the site reports nothing
                    }
                }
            }
            return handles;
        }
    };

    /** The JDK's trusted lookup when the start has one ({@link JvmInstrumentation#trustedLookup}), else null. */
    private static volatile MethodHandles.Lookup trusted;

    private static VarHandle fileDescriptorFd;
    private static jdk.internal.misc.Unsafe unsafe;

    private JdkAccess() {}

    /** @return a lookup with private access to {@code c}: the trusted one, or one in the package opened to the agent */
    private static MethodHandles.Lookup lookupIn(Class<?> c) throws IllegalAccessException {
        MethodHandles.Lookup t = trusted;
        // the trusted lookup only where -javaagent opens packages: both starts read exactly the same fields
        return t != null && opened(c) ? t : MethodHandles.privateLookupIn(c, MethodHandles.lookup());
    }

    /** @return whether {@code c} is in one of the packages of java.base the agent reads fields of */
    private static boolean opened(Class<?> c) {
        if (c.getModule() != Object.class.getModule()) {
            return false;
        }
        String pkg = c.getPackageName();
        for (String p : OPENED_PACKAGES) {
            if (p.equals(pkg)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Opens the JDK packages that hold handle state to this agent's module.
     *
     * @param inst the instrumentation given to the agent
     */
    public static void open(JvmInstrumentation inst) {
        Module javaBase = Object.class.getModule();
        Module agent = JdkAccess.class.getModule();
        inst.addExports(javaBase, "jdk.internal.misc", agent);
        MethodHandles.Lookup lookup = inst.trustedLookup();
        if (lookup != null) {
            trusted = lookup; // the native start: no package needs opening (see JvmtiInstrumentation.trustedLookup)
        } else {
            for (String pkg : OPENED_PACKAGES) {
                inst.addOpens(javaBase, pkg, agent);
            }
        }
        // jdk.internal.misc.Unsafe, not sun.misc.Unsafe: JDK 24+ warns on stderr about the latter's memory access;
        // called directly (exported to this module just above), not through a method handle spun in premain
        unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        fileDescriptorFd = FIELDS.get(FileDescriptor.class).get("fd");
        if (fileDescriptorFd == null) {
            throw new IllegalStateException("cannot read java.io.FileDescriptor.fd");
        }
    }

    /**
     * The descriptor number held by a {@link FileDescriptor}.
     *
     * @param fd the descriptor object, or {@code null}
     * @return its number, or -1 when {@code fd} is null or closed
     */
    public static int fdValue(Object fd) {
        return fd instanceof FileDescriptor ? (int) fileDescriptorFd.get((FileDescriptor) fd) : -1;
    }

    /**
     * Loads a native library for {@code owner}'s class loader the way {@code System.load} does, minus the
     * "restricted method" warning that JDK 24+ prints on stderr when a module without native access calls it:
     * the application's output must not change because an agent is present. Granting native access to all
     * unnamed modules instead would silence the warnings the JDK owes the application itself.
     *
     * @param owner the class whose loader the library belongs to
     * @param path  the library
     */
    public static void loadLibrary(Class<?> owner, String path) {
        MethodHandles.Lookup lookup = trusted;
        if (lookup != null) {
            // the native start, whose C code could not bind the library itself: java.lang is not opened to the agent
            // there, so setAccessible below would fail and System.load print its warning
            try {
                lookup.findVirtual(
                                Runtime.class,
                                "load0",
                                java.lang.invoke.MethodType.methodType(void.class, Class.class, String.class))
                        .invoke(Runtime.getRuntime(), owner, path);
                return;
            } catch (UnsatisfiedLinkError e) {
                throw e;
            } catch (Throwable e) {
                // the JDK's internals moved: the reflective way below, then the ordinary one
            }
        }
        try {
            // reflection rather than a method handle: on JDK 17 its first call spins no classes (start-up time)
            java.lang.reflect.Method load0 = Runtime.class.getDeclaredMethod("load0", Class.class, String.class);
            load0.setAccessible(true);
            load0.invoke(Runtime.getRuntime(), owner, path);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof UnsatisfiedLinkError) {
                throw (UnsatisfiedLinkError) e.getCause();
            }
            System.load(path);
        } catch (Exception | LinkageError t) {
            System.load(path); // the JDK's internals moved: load the ordinary way
        }
    }

    /**
     * Reads an int from native memory (glibc's {@code DIR} structure).
     *
     * @param address a live native address
     * @return the int there, or -1 before {@link #open}
     */
    public static int readNativeInt(long address) {
        jdk.internal.misc.Unsafe u = unsafe;
        return u == null || address == 0 ? -1 : u.getInt(address);
    }

    /**
     * Reads an instance field by name, searching superclasses.
     *
     * @param owner the object
     * @param name  the field's name
     * @return the value, or {@code null} when the field does not exist or cannot be read
     */
    public static Object field(Object owner, String name) {
        if (owner == null) {
            return null;
        }
        VarHandle h = FIELDS.get(owner.getClass()).get(name);
        return h == null ? null : h.get(owner);
    }

    /**
     * Reads an {@code int} field by name.
     *
     * @param owner the object
     * @param name  the field's name
     * @return the value, or -1 when the field does not exist
     */
    public static int intField(Object owner, String name) {
        Object v = field(owner, name);
        return v instanceof Integer ? (Integer) v : -1;
    }

    /**
     * The {@link FileDescriptor} an object holds in its field {@code fd}, or the object itself if it is one.
     *
     * @param owner a stream, channel, socket implementation or descriptor
     * @return the descriptor object, or {@code null}
     */
    public static FileDescriptor descriptorOf(Object owner) {
        if (owner instanceof FileDescriptor) {
            return (FileDescriptor) owner;
        }
        Object fd = field(owner, "fd");
        return fd instanceof FileDescriptor ? (FileDescriptor) fd : null;
    }

    /**
     * Reads a static field of a JDK class that is already initialized: never initializes it (that would run a JDK
     * initializer on the program's behalf).
     *
     * @param className the class, by name
     * @param name      the field's name
     * @return the value, or {@code null} when the class is not loaded and initialized, or the field cannot be read
     */
    public static Object staticField(String className, String name) {
        try {
            Class<?> c = Class.forName(className, false, null);
            if (unsafe == null || unsafe.shouldBeInitialized(c)) {
                return null;
            }
            Field f = c.getDeclaredField(name);
            return lookupIn(c).unreflectVarHandle(f).get();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
