package dev.jhtrace.agent.hook;

import java.util.ArrayList;
import java.util.List;

/** Splits JVM method descriptors ({@code (ILjava/lang/String;[B)V}) into their types. */
final class Descriptors {
    private Descriptors() {}

    /**
     * @param method a method descriptor
     * @return its parameter types, each as a descriptor
     */
    static String[] parameters(String method) {
        List<String> types = new ArrayList<>();
        int i = 1;
        while (method.charAt(i) != ')') {
            int end = typeEnd(method, i);
            types.add(method.substring(i, end));
            i = end;
        }
        return types.toArray(new String[0]);
    }

    /**
     * @param method a method descriptor
     * @return its return type as a descriptor
     */
    static String returnType(String method) {
        return method.substring(method.indexOf(')') + 1);
    }

    /**
     * @param method   a method descriptor
     * @param isStatic whether the method is static (no receiver in slot 0)
     * @param index    a parameter's position
     * @return the local variable slot holding that parameter on entry
     */
    static int slotOf(String method, boolean isStatic, int index) {
        int slot = isStatic ? 0 : 1;
        String[] types = parameters(method);
        for (int i = 0; i < index; i++) {
            slot += types[i].equals("J") || types[i].equals("D") ? 2 : 1;
        }
        return slot;
    }

    private static int typeEnd(String d, int i) {
        while (d.charAt(i) == '[') {
            i++;
        }
        return d.charAt(i) == 'L' ? d.indexOf(';', i) + 1 : i + 1;
    }
}
