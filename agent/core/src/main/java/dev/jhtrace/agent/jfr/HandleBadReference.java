package dev.jhtrace.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A closed handle used: a read, write or seek on a stream or channel already closed. */
@Name("dev.jhtrace.HandleBadReference")
@Label("Bad Handle Reference")
@Category({"jhtrace", "Handles"})
@Description("A file descriptor used after it was closed, with the stack that used it")
@StackTrace(true)
final class HandleBadReference extends HandleEvent {}
