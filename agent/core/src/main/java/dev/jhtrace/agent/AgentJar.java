package dev.jhtrace.agent;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Paths;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The agent's own jar, opened directly to read what start-up needs from it (the bridge classes, the native
 * library).
 *
 * <p>{@code Class.getResourceAsStream} would do, but its first use builds the JDK's {@code jar:} URL machinery,
 * about ten milliseconds of the application's start-up; a {@link JarFile} is already loaded by the launcher.
 */
public final class AgentJar implements Closeable {
    private final JarFile jar;

    private AgentJar(JarFile jar) {
        this.jar = jar;
    }

    /** @return the absolute path of the jar this class was loaded from, or {@code null} when not loaded from one */
    static String path() {
        try {
            URL location = AgentJar.class.getProtectionDomain().getCodeSource().getLocation();
            java.nio.file.Path p = Paths.get(location.toURI()).toAbsolutePath();
            return p.toString().endsWith(".jar") ? p.toString() : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /**
     * @return the jar this class was loaded from, or {@code null} if it was not loaded from a jar (then
     *     {@link #entry} falls back to class path resources)
     */
    static AgentJar open() {
        try {
            URL location = AgentJar.class.getProtectionDomain().getCodeSource().getLocation();
            return new AgentJar(new JarFile(Paths.get(location.toURI()).toFile(), false));
        } catch (Exception | LinkageError e) {
            return new AgentJar(null);
        }
    }

    /**
     * @param name an entry's path inside the jar, without a leading {@code /}
     * @return its content, or {@code null} if absent
     * @throws IOException if it cannot be read
     */
    public InputStream entry(String name) throws IOException {
        if (jar == null) {
            return AgentJar.class.getResourceAsStream("/" + name);
        }
        ZipEntry e = jar.getEntry(name);
        return e == null ? null : jar.getInputStream(e);
    }

    @Override
    public void close() throws IOException {
        if (jar != null) {
            jar.close();
        }
    }
}
