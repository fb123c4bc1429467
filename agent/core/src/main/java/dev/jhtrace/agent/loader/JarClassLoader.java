package dev.jhtrace.agent.loader;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The native start's class loader: the agent's classes, read straight from {@code jhtrace.jar}, beside the
 * application's (parent: the platform loader, so nothing of the class path shadows them and the application sees none
 * of them; only this class itself, in the boot loader, can be found by name, and it grants nothing: making a class
 * loader is the JDK's to allow or refuse).
 *
 * <p>Why not a {@code URLClassLoader}: its class path machinery (URL connections, file permissions, a manifest read
 * per package, code sources looked up by URL) is mostly outside the JVM's CDS archive and interpreted at start-up;
 * loading the ~120 classes the agent needs before {@code main} took 32-38 ms through it, 25 ms through a
 * {@link ZipFile} read here (JDK 17, this machine). The native module defines this class in the boot loader from the
 * jar's bytes ({@code native/src/native_start.c}), so that none of the application's class path is consulted to make
 * it; it uses nothing but {@code java.base}.
 *
 * <p>The jar stays open for the JVM's life, as a class path jar does: classes are loaded from it lazily (a report's
 * classes at the first report). Packages are defined without the manifest's attributes (a {@code URLClassLoader}
 * copies {@code Implementation-Version} and the like into them): nothing of the agent reads them.
 */
public final class JarClassLoader extends ClassLoader implements java.util.function.Consumer<Object> {
    static {
        registerAsParallelCapable();
    }

    /** What the agent's start class registered with {@link #accept}: see {@link JavaagentEntry}. */
    private volatile Object entry;

    private final ZipFile jar;
    private final URL location;
    private final ProtectionDomain domain;

    /**
     * @param jar    the agent jar, opened by the caller; this loader keeps it open
     * @param path   its absolute path
     * @param parent the platform class loader
     * @throws MalformedURLException when the path makes no URL (it is absolute: never)
     */
    public JarClassLoader(ZipFile jar, String path, ClassLoader parent) throws MalformedURLException {
        super("jhtrace", parent);
        this.jar = jar;
        this.location = new File(path).toURI().toURL();
        // the agent finds its jar from its classes' code source (AgentJar.path)
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    }

    /**
     * Takes the agent's entry point from a class this loader defined (its initializer calls this): the
     * {@code -javaagent} start hands over to the classes of this loader through it, with no reflection
     * ({@link JavaagentEntry}). The first one registered stays.
     *
     * @param entry what the start calls
     */
    @Override
    public synchronized void accept(Object entry) {
        if (this.entry == null) {
            this.entry = entry;
        }
    }

    /** @return the entry point {@link #accept} took, or {@code null} */
    Object entry() {
        return entry;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        ZipEntry entry = jar.getEntry(name.replace('.', '/').concat(".class"));
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @Override
    protected URL findResource(String name) {
        if (jar.getEntry(name) == null) {
            return null;
        }
        try {
            // the jar: URL machinery loads only when a resource is asked for by URL (AgentJar reads its own entries);
            // the name percent-encoded as a URLClassLoader's would be (a space, '%' or '#' in it)
            return new URL("jar:" + location + "!/" + new java.net.URI(null, null, name, null).getRawPath());
        } catch (MalformedURLException | java.net.URISyntaxException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }
}
