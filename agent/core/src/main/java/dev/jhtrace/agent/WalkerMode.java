package dev.jhtrace.agent;

import dev.jhtrace.agent.jni.NativeContract;
import java.util.Locale;

/** {@code walker=}: how the native module walks a Java stack (docs/options.md, WalkerCheck). */
public enum WalkerMode {
    /** {@link #VM} on the layouts the walker was verified on, else {@link #ASGCT}. */
    AUTO(NativeContract.MODE_VM),
    /** HotSpot's structures, checked against AsyncGetCallTrace at first. */
    VM(NativeContract.MODE_VM),
    /** AsyncGetCallTrace only. */
    ASGCT(NativeContract.MODE_ASGCT),
    /** Both on every capture, disagreements counted: for testing a JVM build. */
    CHECK(NativeContract.MODE_CHECK);

    /** The native module's mode ({@code walker0}); AUTO's is provisional until the layout is compared. */
    public final int code;

    WalkerMode(int code) {
        this.code = code;
    }

    /** @return the option's value, as given */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the mode of that name (any case), or null */
    static WalkerMode named(String name) {
        for (WalkerMode m : values()) {
            if (m.option().equalsIgnoreCase(name)) {
                return m;
            }
        }
        return null;
    }
}
