package dev.jhtrace.bootstrap;

/**
 * The running agent, as a second load of the agent's classes sees it.
 *
 * <p>Why: the native start ({@code -agentpath}) loads the agent in a class loader of its own. A CLI that comes
 * before that agent's control channel has opened finds no socket and loads the agent jar through the attach API,
 * whose copy of the classes lives in the application's class loader and cannot see the first copy's state; both see
 * the bootstrap loader, so the first copy leaves here the one thing the second needs: "open your channel now".
 */
public final class AgentPresence {
    /** Opens the running agent's control channel; answers false when it was open already. */
    public interface ControlOpener {
        /** @return true if this call opened the channel */
        boolean openNow();
    }

    private static volatile ControlOpener opener;

    private AgentPresence() {}

    /** @param o the running agent's control start, once it is scheduled */
    public static void publish(ControlOpener o) {
        opener = o;
    }

    /** @return true if a running agent's channel was opened by this call, false if none or open already */
    public static boolean openControlNow() {
        ControlOpener o = opener;
        return o != null && o.openNow();
    }
}
