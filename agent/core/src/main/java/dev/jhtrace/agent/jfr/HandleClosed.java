package dev.jhtrace.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A handle closed; by the GC's cleaner when {@code reclaimed} (see {@link HandleReclaimed} for where it was opened). */
@Name("dev.jhtrace.HandleClosed")
@Label("Handle Closed")
@Category({"jhtrace", "Handles"})
@Description("A file descriptor closed, with the stack that closed it")
@StackTrace(true)
final class HandleClosed extends HandleEvent {
    @Label("Reclaimed")
    @Description("Closed by the GC's cleaner: the program dropped it without closing it")
    boolean reclaimed;
}
