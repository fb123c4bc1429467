package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On entry: the receiver's descriptors are about to be closed. Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class ClosingThis {
    private ClosingThis() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.This Object self) {
        HandleHooks.closing(site, self);
    }
}
