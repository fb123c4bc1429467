package dev.jhtrace.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The JDKs target JVMs are forked on: the one running the build (17), the Temurin 25 installed beside it, and a
 * release between them (Debian's OpenJDK 21), so that "17 to 25" is tested rather than assumed.
 *
 * @param name a label for test names
 * @param home the JDK's home, or {@code null} when absent on this machine
 */
public record Jdk(String name, Path home) {
    /** @return the JDKs of the test matrix */
    public static Stream<Jdk> all() {
        return Stream.of(
                of("jdk17", "jhtrace.jdk17.home"),
                of("jdk21", "jhtrace.jdk21.home"),
                of("jdk25", "jhtrace.jdk25.home"));
    }

    /**
     * @return the oldest and newest JDKs only: for the long, repetitive runs (hundreds of JVM starts), where the
     *     release between adds minutes to CI and no new JDK code path
     */
    public static Stream<Jdk> ends() {
        return Stream.of(of("jdk17", "jhtrace.jdk17.home"), of("jdk25", "jhtrace.jdk25.home"));
    }

    private static Jdk of(String name, String property) {
        String home = System.getProperty(property);
        Path p = home == null ? null : Paths.get(home);
        return new Jdk(name, p != null && Files.isExecutable(p.resolve("bin/java")) ? p : null);
    }

    /** @return the java launcher; skips the test, with the reason, when this JDK is not installed */
    public Path java() {
        String only = System.getProperty("jhtrace.it.jdks", "");
        Assumptions.assumeTrue(
                only.isEmpty() || java.util.Arrays.asList(only.split(",")).contains(name),
                name + " is left out of this round (-Djhtrace.it.jdks=" + only + ")");
        Assumptions.assumeTrue(
                home != null,
                name + " is not installed here (set -D" + "jhtrace." + name + ".home=...); " + ".ci/run installs it");
        return home.resolve("bin/java");
    }

    @Override
    public String toString() {
        return name;
    }
}
