package dev.jhtrace.bootstrap;

/**
 * The agent's face to test frameworks (the JUnit 5 extension, {@code dev.jhtrace:jhtrace-junit5}): a mark in time,
 * and the handles opened since a mark that are still open or that the GC had to close.
 *
 * <p>Why here: the bootstrap class loader is the one every class loader of a test run can see, and this class uses
 * JDK types only, so the extension needs none of the agent's classes (nor its relocated dependencies) on the test
 * class path; it reaches this class by name ({@code Class.forName("dev.jhtrace.bootstrap.LeakChecks", true, null)}) once the agent is loaded,
 * so that it also works after the extension loaded the agent itself. The agent publishes its implementation
 * when tracing starts. This surface is a contract: methods are added, never changed.
 */
public final class LeakChecks {
    /** The agent's implementation. */
    public interface Provider {
        /** @return a mark: the time on {@link System#nanoTime()}'s clock, the clock of the agent's events */
        long mark();

        /**
         * @param mark      from {@link #mark()}
         * @param suppress  suppression patterns (the {@code suppress=} file's syntax, one per element), or none
         * @param title     what the handles were opened during, for the text ("test FooTest.bar()")
         * @param testClass the test class's name: the text names its innermost frame in each leak's stack (the
         *                  test's own line), or null
         * @return {@code {Integer open, Integer reclaimed, String text}}: how many handles opened since the mark are
         *     open now (the JVM's own left out, as in reports) and how many of them the GC closed, and their
         *     {@code !htrace}-style text grouped by leak site; {@code {-1, -1, reason}} when that cannot be told
         *     (tracing disabled, the analyzer not answering), {@code {-2, -2, reason}} for a bad pattern
         */
        Object[] leaksSince(long mark, String[] suppress, String title, String testClass);
    }

    private static volatile Provider provider;

    private LeakChecks() {}

    /** @param p the agent's implementation, published once tracing runs */
    public static void publish(Provider p) {
        provider = p;
    }

    /** @return whether the agent runs in this JVM (whether it traces now, {@link #leaksSince} says) */
    public static boolean available() {
        return provider != null;
    }

    /** @return a mark, or -1 without the agent */
    public static long mark() {
        Provider p = provider;
        return p != null ? p.mark() : -1;
    }

    /**
     * @param mark      from {@link #mark()}
     * @param suppress  suppression patterns, or an empty array
     * @param title     what the handles were opened during
     * @param testClass the test class's name, or null
     * @return see {@link Provider#leaksSince}; null without the agent
     */
    public static Object[] leaksSince(long mark, String[] suppress, String title, String testClass) {
        Provider p = provider;
        return p != null ? p.leaksSince(mark, suppress, title, testClass) : null;
    }
}
