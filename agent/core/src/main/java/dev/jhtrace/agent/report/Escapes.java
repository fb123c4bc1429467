package dev.jhtrace.agent.report;

/** Text that came from elsewhere (paths, thread names, option strings), made safe to print on one line. */
public final class Escapes {
    private Escapes() {}

    /**
     * @param text a path, a thread name, an option; may be null
     * @return the same with every control character (newline and tab too: they would split an entry or a line) and
     *     every bidirectional override written as {@code \xNN} or {@code \\uNNNN}, so that it can neither break a
     *     report's structure nor drive a terminal
     */
    public static String printable(String text) {
        return printable(text, false);
    }

    /**
     * @param text      text from elsewhere; may be null
     * @param keepLines leave newline and tab as they are (a multi-line answer shown on a terminal)
     * @return the same with the other control characters and bidirectional overrides escaped as {@link #printable(String)} does
     */
    public static String printable(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && !(keepLines && (c == '\n' || c == '\t'))
                    || c == 0x7f
                    || c >= 0x80 && c < 0xa0
                    || c == '\u2028'
                    || c == '\u2029'
                    || c >= '\u202a' && c <= '\u202e'
                    || c >= '\u2066' && c <= '\u2069';
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (!control) {
                    sb.append(c);
                } else if (c < 0x100) {
                    sb.append(String.format("\\x%02X", (int) c));
                } else {
                    sb.append(String.format("\\u%04X", (int) c));
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
