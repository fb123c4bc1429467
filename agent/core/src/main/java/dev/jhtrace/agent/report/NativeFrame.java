package dev.jhtrace.agent.report;

/**
 * How a stack marks the native frame of an event the native module recorded: a {@link StackTraceElement} of this
 * class name whose method name is {@code lib.so!symbol+0x1a -> call}. Reports print it as it is, not as a Java frame.
 */
public final class NativeFrame {
    /** The class name that marks it. */
    public static final String CLASS_NAME = "<native>";

    private NativeFrame() {}

    /**
     * @param f a frame
     * @return whether it is the native frame of a native event
     */
    public static boolean is(StackTraceElement f) {
        return CLASS_NAME.equals(f.getClassName());
    }
}
