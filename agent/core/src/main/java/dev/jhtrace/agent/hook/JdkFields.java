package dev.jhtrace.agent.hook;

import java.util.ArrayList;
import java.util.List;

/**
 * The private JDK fields the capture reads by name ({@link Extractors}, through {@link JdkAccess}), checked against
 * this JDK: a field renamed or removed in a later release makes its handles go unreported without any error, so the
 * check runs with the hook check at the first report and names what is missing in every report's warnings.
 */
final class JdkFields {
    /** {@code class#field#what goes unreported without it}. */
    private static final String[] FIELDS = {
        "java.io.FileInputStream#fd#FileInputStream opens and bad references",
        "java.io.FileOutputStream#fd#FileOutputStream opens and bad references",
        "java.io.RandomAccessFile#fd#RandomAccessFile opens and bad references",
        "java.io.FileInputStream#closed#bad references to closed FileInputStreams",
        "java.io.FileOutputStream#closed#bad references to closed FileOutputStreams",
        "java.io.RandomAccessFile#closed#bad references to closed RandomAccessFiles",
        "java.io.FilterInputStream#in#a child process's stdout and stderr pipes",
        "java.io.FilterOutputStream#out#a child process's stdin pipe",
        "java.io.FileCleanable#fd#descriptors closed by the GC's cleaner",
        "java.lang.ProcessImpl#pid#a child process's pipes",
        "java.lang.ProcessImpl#stdin#a child process's stdin pipe",
        "java.lang.ProcessImpl#stdout#a child process's stdout pipe",
        "java.lang.ProcessImpl#stderr#a child process's stderr pipe",
        "sun.nio.ch.PipeImpl#source#Pipe.open() pipes",
        "sun.nio.ch.PipeImpl#sink#Pipe.open() pipes",
        "sun.nio.ch.SourceChannelImpl#fd#Pipe.open() pipes",
        "sun.nio.ch.SinkChannelImpl#fd#Pipe.open() pipes",
        "sun.nio.ch.EPollSelectorImpl#epfd#Selector epoll descriptors",
        "sun.nio.ch.EPollSelectorImpl#eventfd#Selector wakeup descriptors",
        "sun.nio.ch.EventFD#efd#Selector wakeup descriptors",
        "sun.nio.fs.LinuxWatchService#poller#WatchService closes",
        "sun.nio.fs.LinuxWatchService$Poller#ifd#WatchService inotify descriptors",
        "sun.nio.fs.LinuxWatchService$Poller#socketpair#WatchService wakeup descriptors",
        "sun.nio.ch.EPollPort#epfd#AsynchronousChannelGroup epoll descriptors",
        "sun.nio.ch.EPollPort#sp#AsynchronousChannelGroup wakeup descriptors",
        "sun.nio.fs.UnixDirectoryStream#isClosed#directory stream closes",
        "sun.nio.fs.UnixDirectoryStream#dp#directory stream closes",
        "sun.nio.fs.UnixSecureDirectoryStream#dfd#SecureDirectoryStream descriptors",
        "sun.nio.ch.FileChannelImpl#fd#bad references to closed FileChannels",
        "sun.nio.ch.SocketChannelImpl#fd#bad references to closed SocketChannels",
        "sun.nio.ch.ServerSocketChannelImpl#fd#bad references to closed ServerSocketChannels",
        "sun.nio.ch.DatagramChannelImpl#fd#bad references to closed DatagramChannels",
        "sun.nio.ch.NioSocketImpl#fd#bad references to closed Sockets",
    };

    private JdkFields() {}

    /** @return one warning per field this JDK lacks, naming what goes unreported */
    static List<String> check() {
        return check(FIELDS);
    }

    /**
     * @param fields entries of the form {@code class#field#what}
     * @return one warning per field missing
     */
    static List<String> check(String[] fields) {
        List<String> warnings = new ArrayList<>();
        for (String entry : fields) {
            String[] f = entry.split("#", 3);
            String problem = problem(f[0], f[1]);
            if (problem != null) {
                warnings.add("JDK field " + f[0] + "." + f[1] + " " + problem + " in this JDK ("
                        + System.getProperty("java.version") + "): " + f[2] + " are not reported");
            }
        }
        return warnings;
    }

    private static String problem(String className, String field) {
        Class<?> c;
        try {
            c = Class.forName(className, false, null); // loaded, never initialised: no JDK initializer runs for this
        } catch (ClassNotFoundException | LinkageError e) {
            return "(its class is absent)";
        }
        for (; c != null; c = c.getSuperclass()) {
            for (java.lang.reflect.Field declared : c.getDeclaredFields()) {
                if (declared.getName().equals(field) && !java.lang.reflect.Modifier.isStatic(declared.getModifiers())) {
                    return null;
                }
            }
        }
        return "is absent";
    }
}
