package dev.jhtrace.agent.jni;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Library names without the random parts JNI loaders add when they extract a library from a jar into a temporary
 * file, so that the same native frame reads the same in every run, groups into one site and compares across runs:
 * {@code librocksdbjni8169329859922716045.so} (a {@code File.createTempFile} suffix) is {@code librocksdbjni.so},
 * {@code sqlite-3.45.1.0-1f6ea7b9-fd0f-4b35-9b09-7a6b4b5b1d6a-libsqlitejdbc.so} (a UUID) is
 * {@code libsqlitejdbc.so}, {@code libnetty_transport_native_epoll_x86_648169329859922716045.so} is
 * {@code libnetty_transport_native_epoll_x86_64.so}.
 */
public final class LibraryNames {
    /** A temporary file's random number before {@code .so}: {@code File.createTempFile} writes an unsigned long. */
    private static final Pattern TEMP_NUMBER = Pattern.compile("^(.*?)(\\d{10,})(\\.so(?:\\.[0-9.]+)?)$");

    /** A UUID, the dash after it and what comes before it, before a {@code lib} name (sqlite-jdbc's extraction). */
    private static final Pattern UUID_PREFIX =
            Pattern.compile("^.*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}-(?=lib)");

    private LibraryNames() {}

    /**
     * @param library a library's file name
     * @return it without the random parts a loader added
     */
    public static String stable(String library) {
        String name = UUID_PREFIX.matcher(library).replaceFirst("");
        Matcher m = TEMP_NUMBER.matcher(name);
        if (!m.matches()) {
            return name;
        }
        String prefix = m.group(1);
        String digits = m.group(2);
        // an architecture's "_64" runs into the number: with more digits than a number has, the first are the name's
        // the whole run goes, whatever of it was the name's (a version "-11" before the number): an unsigned random
        // number has 19 or 20 digits, so keeping "all but 20" would name the same library two ways in two runs
        int keep = 0;
        if (prefix.endsWith("_") && digits.startsWith("64")) {
            keep = 2; // x86_64, aarch_64: "_" and then a number is a name that ended in "_64" and its number
        }
        return prefix + digits.substring(0, keep) + m.group(3);
    }

    /**
     * @param frame {@code lib.so!symbol+0x1a}, or {@code lib.so+0x1a}, or null
     * @return the same with a stable library name
     */
    public static String stableFrame(String frame) {
        if (frame == null) {
            return null;
        }
        int end = frame.indexOf('!');
        if (end < 0) {
            end = frame.lastIndexOf('+');
        }
        return end <= 0 ? frame : stable(frame.substring(0, end)) + frame.substring(end);
    }
}
