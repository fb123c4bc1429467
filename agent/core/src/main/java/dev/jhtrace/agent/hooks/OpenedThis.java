package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On normal return: the receiver now holds new descriptors. Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class OpenedThis {
    private OpenedThis() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.This Object self) {
        HandleHooks.opened(site, self, null);
    }
}
