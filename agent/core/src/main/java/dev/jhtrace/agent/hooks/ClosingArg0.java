package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On entry: the descriptor passed as first argument is about to be closed. Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class ClosingArg0 {
    private ClosingArg0() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.Argument(0) Object arg0) {
        HandleHooks.closing(site, arg0);
    }
}
