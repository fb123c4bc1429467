package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On normal return: the returned object holds a new descriptor. Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class OpenedReturn {
    private OpenedReturn() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.Return Object returned) {
        HandleHooks.opened(site, returned, null);
    }
}
