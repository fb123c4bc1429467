package dev.jhtrace.agent.cli;

/** What the CLI prints of text it did not write itself: an answer, a process's name. */
final class Terminal {
    private Terminal() {
    }

    /**
     * @param text text from a target (which could be another user's process answering in its name)
     * @return the same with every control character but newline and tab written as {@code \xNN}: an answer must not
     *     move the cursor, set a title or rewrite what the user already saw
     */
    static String printable(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028'
                    || c == '\u2029' || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (control) {
                    sb.append(c < 0x100 ? String.format("\\x%02X", (int) c) : String.format("\\u%04X", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
