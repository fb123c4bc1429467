package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On normal return: the receiver now holds new descriptors; the first argument describes them (a path). Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class OpenedThisArg0 {
    private OpenedThisArg0() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.This Object self, @Advice.Argument(0) Object arg0) {
        HandleHooks.opened(site, self, arg0);
    }
}
