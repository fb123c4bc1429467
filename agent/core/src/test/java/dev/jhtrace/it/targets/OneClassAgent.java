package dev.jhtrace.it.targets;

import java.lang.instrument.Instrumentation;

/** The smallest second agent: a premain that looks at the loaded classes and returns. Packed in a jar by OtherAgentsIT. */
public final class OneClassAgent {
    private OneClassAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        System.setProperty("oneclassagent.classes", Integer.toString(inst.getAllLoadedClasses().length));
    }
}
