package dev.jhtrace.agent;

import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;

/**
 * The {@code -javaagent} start inside the agent's own class loader: {@code loader.JavaagentEntry} initialises this
 * class there, and calls it through the {@link Consumer} its initializer registers with the loader (see there why).
 */
final class JavaagentStart implements Consumer<Object[]> {
    static {
        ClassLoader loader = JavaagentStart.class.getClassLoader();
        if (loader instanceof Consumer) {
            @SuppressWarnings("unchecked")
            Consumer<Object> registry = (Consumer<Object>) loader;
            registry.accept(new JavaagentStart());
        }
    }

    private JavaagentStart() {}

    /** @param call whether attached, the options, the instrumentation */
    @Override
    public void accept(Object[] call) {
        String args = (String) call[1];
        Instrumentation inst = (Instrumentation) call[2];
        if (Boolean.TRUE.equals(call[0])) {
            JhtraceAgent.agentmain(args, inst);
        } else {
            JhtraceAgent.premain(args, inst);
        }
    }
}
