package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On an exception: if the receiver was closed, this was a reference to an invalid handle. Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class FailedThis {
    private FailedThis() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.This Object self, @Advice.Thrown Throwable thrown) {
        if (thrown != null) {
            HandleHooks.failed(site, self, thrown);
        }
    }
}
