package dev.jhtrace.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails a test (or a test class) that leaves file descriptors open, or leaves them for the GC to close, with the
 * leaked handles grouped by the line that opened them, in the {@code !htrace} text form.
 *
 * <p>On a class it applies to every test in it (and in its {@code @Nested} classes); on a method it overrides the
 * class's. It needs the jhtrace agent in the test JVM: from {@code -javaagent} in Surefire's {@code argLine} or
 * Gradle's {@code jvmArgs}, or else loaded by the extension itself (docs/testing.md). Without either, tests are not
 * failed for that reason: the reason is said once on stderr and as a report entry.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(HandleLeakExtension.class)
public @interface NoHandleLeaks {
    /** What one verdict covers. */
    enum Scope {
        /** Each test method: handles it opened and left open when it ends. */
        METHOD,
        /** The whole class: handles its tests and lifecycle methods opened and left open when the last one ends. */
        CLASS
    }

    /** @return what one verdict covers: each test (the default) or the whole class */
    Scope scope() default Scope.METHOD;

    /** @return how many leaked handles are tolerated (open and GC-closed together) */
    int allowed() default 0;

    /**
     * @return accepted handles, one pattern each, in the {@code suppress=} file's syntax: {@code frame:GLOB} matches a
     *     frame of the open stack ({@code com.example.Pool.*}), {@code path:GLOB} the handle's description
     *     ({@code /dev/shm/*}), a bare pattern either
     */
    String[] suppress() default {};

    /**
     * @return milliseconds to wait, when a test ends with handles open, for other threads to close them (a server's
     *     worker finishing a response) before the verdict; the wait ends as soon as they are closed
     */
    long graceMillis() default 500;
}
