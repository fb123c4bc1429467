package example;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** A settings file reader with the classic leak: the stream is never closed. */
public final class Settings {
    private Settings() {}

    public static Properties load(String file) throws IOException {
        Properties p = new Properties();
        InputStream in = new FileInputStream(file);
        p.load(in);
        return p;
    }

    public static Properties loadAndClose(String file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = new FileInputStream(file)) {
            p.load(in);
        }
        return p;
    }
}
