package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.it.targets.HelloTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent never harms or pollutes the application, and writes reports safely. */
class SafetyIT {
    /** Where this test's reports go; JUnit deletes it after each test. */
    @org.junit.jupiter.api.io.TempDir
    Path scratch;

    private static String agent(String options) {
        return TargetJvm.agentFlag() + (options.isEmpty() ? "" : "=" + options);
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void badOptionWarnsOnceAndLeavesTheApplicationAlone(Jdk jdk) throws Exception {
        for (String bad : List.of("bogus=1", "max=lots", "format=pdf", "report=")) {
            TargetJvm.Result r = TargetJvm.run(jdk, List.of(agent(bad)), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), bad + ": " + r.stderr());
            assertTrue(r.stdout().startsWith("hello from the target\n"), bad + ": stdout changed: " + r.stdout());
            List<String> lines = r.stderr().lines().toList();
            assertEquals(1, lines.size(), bad + ": expected one line on stderr, got " + r.stderr());
            assertTrue(
                    lines.get(0).startsWith("jhtrace: bad agent option: ")
                            && lines.get(0).endsWith("tracing is off"),
                    lines.get(0));
            assertTrue(
                    lines.get(0).contains(bad.substring(0, bad.indexOf('='))),
                    "the warning names the option: " + lines.get(0));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void cleanProgramWithoutReportOptionPrintsNothing(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.run(jdk, List.of(agent("")), HelloTarget.class);
        assertEquals(0, r.exitCode());
        assertEquals("hello from the target\n", r.stdout());
        assertEquals("", r.stderr(), "nothing on stderr when nothing leaked");
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void leakWithoutReportOptionIsSummarisedOnStderrOnly(Jdk jdk) throws Exception {
        TargetJvm.Result r = TargetJvm.run(jdk, List.of(agent("")), HelloTarget.class, "leak");
        assertEquals(0, r.exitCode());
        assertFalse(r.stdout().contains("jhtrace"), "agent output on stdout: " + r.stdout());
        assertTrue(r.stderr().startsWith("jhtrace: 3 handle(s) still open at exit"), r.stderr());
        String line = r.lines("LEAKLINE ").get(0);
        assertTrue(r.stderr().contains("HelloTarget.java:" + line + ")"), r.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void textReportFollowsHtraceAndGroupsByStack(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory(scratch, "jhtrace-text");
        TargetJvm.Result r =
                TargetJvm.run(jdk, List.of(agent("report=" + dir + "/leaks-%p.txt")), HelloTarget.class, "leak");
        assertEquals(0, r.exitCode(), r.stderr());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().matches("leaks-\\d+\\.txt"), files.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        String text = Files.readString(files.get(0));
        assertTrue(text.startsWith("Process 0x"), text);
        assertTrue(text.contains("3 handles still open, opened from this stack:"), text);
        assertTrue(text.matches("(?s).*Handle 0x[0-9A-F]+ - OPEN: FILE .*jhtrace-hello.*"), text);
        assertTrue(
                text.contains("at dev.jhtrace.it.targets.HelloTarget.main(HelloTarget.java:"
                        + r.lines("LEAKLINE ").get(0) + ")"),
                text);
        assertTrue(text.matches("(?s).*\nParsed 0x[0-9A-F]+ stack traces\\.\nDumped 0x1 stack traces\\.\n"), text);
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void reportIsNotWrittenThroughASymlink(Jdk jdk) throws Exception {
        Path dir = Files.createTempDirectory(scratch, "jhtrace-link");
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("report.txt"), victim);
        TargetJvm.Result r = TargetJvm.run(jdk, List.of(agent("report=" + link)), HelloTarget.class, "leak");
        assertEquals(0, r.exitCode());
        assertEquals("precious", Files.readString(victim));
        assertTrue(r.stderr().contains("jhtrace: could not write the leak report"), r.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void rootNeverWritesThroughAnotherUsersLinkInAParentDirectory(Jdk jdk) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "only root can give a link to another user (lchown); CI runs as root");
        Path dir = Files.createTempDirectory("jhtrace-parent-link");
        try {
            Path victimDir = Files.createDirectory(dir.resolve("victim"));
            Path shared = Files.createDirectory(dir.resolve("shared"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setAttribute(shared, "unix:mode", 01777); // like /tmp: sticky, anyone may add entries
            Path link = Files.createSymbolicLink(shared.resolve("reports"), victimDir);
            java.nio.file.attribute.UserPrincipal nobody =
                    dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.getFileAttributeView(
                            link,
                            java.nio.file.attribute.PosixFileAttributeView.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    .setOwner(nobody); // a link nobody made: root must not follow it
            TargetJvm.Result r = TargetJvm.run(
                    jdk, List.of(agent("report=" + link.resolve("leaks.txt"))), HelloTarget.class, "leak");
            assertEquals(0, r.exitCode(), r.stderr());
            try (java.util.stream.Stream<Path> written = Files.list(victimDir)) {
                assertEquals(List.of(), written.toList(), "root wrote where nobody's link pointed");
            }
            assertTrue(r.stderr().contains("is a symbolic link of uid"), r.stderr());
            assertTrue(
                    r.stderr().contains("handle(s) still open at exit"),
                    "the leaks go to stderr instead: " + r.stderr());
        } finally {
            Reports.deleteTree(dir);
        }
    }
}
