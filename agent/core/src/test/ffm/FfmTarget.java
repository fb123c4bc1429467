import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libc's open and close called through the FFM API (JDK 22+), run as a single source file on JDK 25 by the
 * native-hook tests. Prints {@code NAME fd|line}, the call on the same line.
 */
public class FfmTarget {
    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        Path file = Files.writeString(Files.createTempFile("jhtrace-ffm", ".txt"), "x");
        try (Arena arena = Arena.ofConfined()) {
            var path = arena.allocateFrom(file.toString());
            int fd = (int) open.invokeExact(path, 0); System.out.println("FFMLEAK " + fd + "|" + line());
            int g = (int) open.invokeExact(path, 0);
            int r = (int) close.invokeExact(g); System.out.println("FFMCLOSE " + g + "|" + line());
            r = (int) close.invokeExact(g); System.out.println("FFMTWICE " + g + "|" + line() + "|" + r);
        }
    }

    private static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }
}
