package dev.jhtrace.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Questions the tests ask of a JSON report. */
public final class Reports {
    private Reports() {
    }

    /** @return true if {@code stack} has a frame of {@code className} at {@code line} */
    public static boolean hasFrame(JsonNode entry, String className, int line) {
        for (JsonNode f : entry.path("stack")) {
            if (className.equals(f.path("class").asText()) && f.path("line").asInt() == line) {
                return true;
            }
        }
        return false;
    }

    /** @return entries of {@code array} whose stack has a frame of {@code className} at {@code line} */
    public static List<JsonNode> withFrame(JsonNode array, String className, int line) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : array) {
            if (hasFrame(e, className, line)) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return the handle numbers of the entries of {@code array} */
    public static List<Integer> handles(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : array) {
            out.add(e.path("handle").asInt());
        }
        return out;
    }
}
