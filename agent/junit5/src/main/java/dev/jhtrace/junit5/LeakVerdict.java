package dev.jhtrace.junit5;

/**
 * The handles one test (or class) left behind: still open, and closed only by the GC.
 *
 * @param open      handles opened since the mark and open now
 * @param reclaimed handles opened since the mark that the GC closed (the code never did)
 * @param text      both, grouped by leak site, in the {@code !htrace} text form; or why no verdict could be had
 */
record LeakVerdict(int open, int reclaimed, String text) {
    /** How often a verdict with open handles is taken again during the grace period. */
    private static final long POLL_MILLIS = 20;

    /** @return whether the agent could tell */
    boolean known() {
        return open >= 0;
    }

    /** @return whether the agent refused a suppression pattern (the test's mistake, not the agent's) */
    boolean badPattern() {
        return open == -2;
    }

    /** @return open and reclaimed together */
    int leaks() {
        return open + reclaimed;
    }

    /**
     * Takes the verdict, waiting up to {@code graceMillis} for other threads to close what is still open.
     *
     * @param mark        the mark the test started at
     * @param suppress    accepted handles' patterns
     * @param allowed     leaks tolerated
     * @param graceMillis the longest wait
     * @param title       what the handles were opened during
     * @param testClass   the test class's name
     * @return the verdict
     * @throws InterruptedException when the waiting thread is interrupted
     */
    static LeakVerdict take(long mark, String[] suppress, int allowed, long graceMillis, String title, String testClass)
            throws InterruptedException {
        long end = System.nanoTime() + graceMillis * 1_000_000L;
        while (true) {
            LeakVerdict v = of(AgentLink.leaksSince(mark, suppress, title, testClass));
            // handles the GC closed stay leaks: waiting only helps those another thread is about to close
            if (!v.known() || v.leaks() <= allowed || v.open == 0 || System.nanoTime() - end >= 0) {
                return v;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static LeakVerdict of(Object[] answer) {
        if (answer == null || answer.length < 3) {
            return new LeakVerdict(-1, -1, "the jhtrace agent gave no answer");
        }
        return new LeakVerdict((Integer) answer[0], (Integer) answer[1], String.valueOf(answer[2]));
    }
}
