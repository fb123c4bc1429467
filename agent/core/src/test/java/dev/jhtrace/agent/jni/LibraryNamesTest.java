package dev.jhtrace.agent.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LibraryNamesTest {
    @Test
    void randomPartsOfExtractedLibrariesGo() {
        assertEquals("librocksdbjni.so", LibraryNames.stable("librocksdbjni8169329859922716045.so"));
        assertEquals("librocksdbjni.so", LibraryNames.stable("librocksdbjni18169329859922716045.so"));
        assertEquals(
                "libsqlitejdbc.so",
                LibraryNames.stable("sqlite-3.45.1.0-1f6ea7b9-fd0f-4b35-9b09-7a6b4b5b1d6a-libsqlitejdbc.so"));
        assertEquals(
                "libnetty_transport_native_epoll_x86_64.so",
                LibraryNames.stable("libnetty_transport_native_epoll_x86_648169329859922716045.so"));
        assertEquals(
                "libnetty_transport_native_epoll_x86_64.so",
                LibraryNames.stable("libnetty_transport_native_epoll_x86_6418169329859922716045.so"));
        // a name ending in digits loses them with the number, the same way in every run (19 or 20 random digits)
        assertEquals("libzstd-jni-1.5.5-.so", LibraryNames.stable("libzstd-jni-1.5.5-118169329859922716045.so"));
        assertEquals("libzstd-jni-1.5.5-.so", LibraryNames.stable("libzstd-jni-1.5.5-1118169329859922716045.so"));
    }

    @Test
    void ordinaryNamesStay() {
        assertEquals("libc.so.6", LibraryNames.stable("libc.so.6"));
        assertEquals("libfoo2.so", LibraryNames.stable("libfoo2.so"));
        assertEquals("libssl.so.3", LibraryNames.stable("libssl.so.3"));
        assertEquals(
                "foo-1f6ea7b9-fd0f-4b35-9b09-7a6b4b5b1d6a.so",
                LibraryNames.stable("foo-1f6ea7b9-fd0f-4b35-9b09-7a6b4b5b1d6a.so"));
        assertEquals("lib.so!sym+0x1a", LibraryNames.stableFrame("lib.so!sym+0x1a"));
        assertEquals("libleakyjni.so!f+0x3", LibraryNames.stableFrame("libleakyjni5123456789012.so!f+0x3"));
        assertEquals("libleakyjni.so+0x3", LibraryNames.stableFrame("libleakyjni5123456789012.so+0x3"));
    }
}
