package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On normal return: the second argument now holds a new descriptor (accept). Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class OpenedArg1 {
    private OpenedArg1() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.Argument(1) Object arg1) {
        HandleHooks.opened(site, arg1, null);
    }
}
