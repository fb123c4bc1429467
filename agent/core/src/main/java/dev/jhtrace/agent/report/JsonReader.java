package dev.jhtrace.agent.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON (RFC 8259) into maps, lists, strings, numbers ({@code Long} or {@code Double}), booleans and null: what
 * {@code jhtrace check} needs to read reports, without a JSON library in the jar (the agent's jar is on the
 * application's boot path; one library less there is one conflict less).
 */
public final class JsonReader {
    /** Nesting deeper than this is refused: a report is four levels deep, and recursion must not overflow. */
    private static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /** Thrown for text that is not JSON; its message says where. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * @param text JSON text
     * @return its value
     * @throws Malformed naming the offset of the first error
     */
    public static Object parse(String text) throws Malformed {
        JsonReader r = new JsonReader(text);
        r.space();
        Object v = r.value(0);
        r.space();
        if (r.pos != text.length()) {
            throw r.error("text after the value");
        }
        return v;
    }

    private Object value(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw error("nested too deeply");
        }
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    yield number();
                }
                throw error("unexpected '" + Escapes.printable(String.valueOf(c)) + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) throws Malformed {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        space();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            space();
            expect(':');
            space();
            m.put(key, value(depth + 1));
            space();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                pos--; // point at it
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws Malformed {
        List<Object> list = new ArrayList<>();
        pos++;
        space();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            space();
            list.add(value(depth + 1));
            space();
            char c = next();
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                pos--; // point at it
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws Malformed {
        pos++; // the opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
                        if (digit < 0 || text.charAt(pos) > 'f') {
                            throw error("bad \\u escape");
                        }
                        code = code * 16 + digit;
                        pos++;
                    }
                    sb.append((char) code);
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Object number() throws Malformed {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean fraction = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                fraction = true;
                pos++;
            } else {
                break;
            }
        }
        String n = text.substring(start, pos);
        try {
            return fraction ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        } catch (NumberFormatException bad) {
            pos = start;
            throw error("bad number '" + Escapes.printable(n) + "'");
        }
    }

    private Object word(String word, Object value) throws Malformed {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected '" + Escapes.printable(String.valueOf(text.charAt(pos))) + "'");
        }
        pos += word.length();
        return value;
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private char peek() throws Malformed {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() throws Malformed {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) throws Malformed {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private Malformed error(String what) {
        return new Malformed(what + " at offset " + pos);
    }
}
