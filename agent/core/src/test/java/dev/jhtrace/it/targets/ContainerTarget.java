package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A service in a container: leaks two files at start ({@code LEAKED line}), prints {@code READY pid}, then leaks two
 * more each time the file named by its argument appears ({@code LEAKED2 line}; the file is removed), until stopped.
 */
public final class ContainerTarget {
    private static final List<Object> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path go = Paths.get(args.length > 0 ? args[0] : "/tmp/jhtrace-go");
        Path data = Files.writeString(Files.createTempFile("jhtrace-container", ".txt"), "x");
        for (int i = 0; i < 2; i++) {
            KEPT.add(new FileInputStream(data.toFile())); if (i == 1) System.out.println("LEAKED " + Scenario.line());
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (true) {
            if (Files.exists(go)) {
                Files.delete(go);
                for (int i = 0; i < 2; i++) {
                    KEPT.add(new FileInputStream(data.toFile())); if (i == 1) System.out.println("LEAKED2 " + Scenario.line());
                }
                System.out.flush();
            }
            Thread.sleep(50);
        }
    }
}
