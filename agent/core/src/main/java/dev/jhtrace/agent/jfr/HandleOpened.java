package dev.jhtrace.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A handle opened; its stack is the opener's (its top frames are jhtrace's hook, then the JDK's open). */
@Name("dev.jhtrace.HandleOpened")
@Label("Handle Opened")
@Category({"jhtrace", "Handles"})
@Description("A file descriptor opened by the program, with the stack that opened it")
@StackTrace(true)
final class HandleOpened extends HandleEvent {}
