package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On normal return: the first argument now holds a new descriptor (accept). Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class OpenedArg0 {
    private OpenedArg0() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.Argument(0) Object arg0) {
        HandleHooks.opened(site, arg0, null);
    }
}
