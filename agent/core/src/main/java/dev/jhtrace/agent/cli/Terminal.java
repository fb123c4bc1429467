package dev.jhtrace.agent.cli;

/** What the CLI prints of text it did not write itself: an answer, a process's name. */
final class Terminal {
    private Terminal() {}

    /**
     * @param text text from a target (which could be another user's process answering in its name)
     * @return the same with every control character but newline and tab written as {@code \xNN}: an answer must not
     *     move the cursor, set a title or rewrite what the user already saw
     */
    static String printable(String text) {
        return dev.jhtrace.agent.report.Escapes.printable(text, true);
    }
}
