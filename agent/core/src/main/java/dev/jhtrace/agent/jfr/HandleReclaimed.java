package dev.jhtrace.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timestamp;

/**
 * A leak the GC's cleaner closed, with where it was opened. Committed by jhtrace's analyzer, whose own stack says
 * nothing: the open stack is in {@code openStack}, and the leak site in {@code site}.
 */
@Name("dev.jhtrace.HandleReclaimed")
@Label("Handle Reclaimed by the GC")
@Category({"jhtrace", "Handles"})
@Description("A file descriptor the program dropped without closing, closed by the GC's cleaner")
@StackTrace(false)
final class HandleReclaimed extends HandleEvent {
    @Label("Leak Site")
    @Description("The program's innermost frame of the open stack")
    String site;

    @Label("Open Stack")
    @Description("The stack that opened it, innermost first, one frame per line")
    String openStack;

    @Label("Opened By")
    @Description("The thread that opened it")
    String openedBy;

    @Label("Opened At")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long openedAt;
}
