package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.io.IOException;

/**
 * Loaded again and again by {@link WalkerTarget}, each time by a class loader of its own that is then dropped: its
 * classes are unloaded and a new copy can reuse their metadata's addresses, which a stack walker that remembered a
 * method by address would name wrongly.
 */
public final class ReloadedOpener {
    public static void run(String path, int frames) throws IOException {
        if (frames > 0) {
            run(path, frames - 1);
        } else {
            new FileInputStream(path).close();
        }
    }
}
