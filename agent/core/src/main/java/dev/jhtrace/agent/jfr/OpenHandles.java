package dev.jhtrace.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** The program's open handles, by kind, every second of a recording. */
@Name("dev.jhtrace.OpenHandles")
@Label("Open Handles")
@Category({"jhtrace", "Handles"})
@Description("Handles the program has open (jhtrace's count, the JVM's own included), by kind")
@Period("1 s")
@StackTrace(false)
final class OpenHandles extends Event {
    @Label("Total")
    int total;

    @Label("Files")
    @Description("FILE and DIRECTORY")
    int files;

    @Label("Sockets")
    int sockets;

    @Label("Pipes")
    int pipes;

    @Label("Other")
    @Description("EPOLL, EVENTFD, INOTIFY, TIMERFD and UNKNOWN")
    int other;
}
