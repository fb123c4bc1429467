package dev.jhtrace.agent.hooks;

import dev.jhtrace.bootstrap.HandleHooks;
import net.bytebuddy.asm.Advice;

/** On normal return of {@code openat(dirfd, path, flags, mode)}: the returned int is a new descriptor. Inlined into JDK code: one call into the bootstrap bridge and nothing else. */
public final class OpenedAtIntReturn {
    private OpenedAtIntReturn() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void hook(@Advice.Origin("#t.#m") String site, @Advice.Return int fd, @Advice.Argument(1) Object path, @Advice.Argument(2) int flags) {
        HandleHooks.openedFd(site, fd, path, flags);
    }
}
