package dev.jhtrace.agent.hook;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * Where ASM is used: the rewrite of a hooked class, and the scan of one for the hook check.
 *
 * <p>A class of its own so that {@link HookTransformer} names no ASM type: verifying a method that hands a
 * {@link HookClassVisitor} to ASM loads both, and a start whose hooked classes all come from {@link TransformCache}
 * loads no ASM class at all (37 of them, verified, from the agent jar).
 */
final class HookRewriter {
    private HookRewriter() {}

    /**
     * @param table the hook points
     * @param bytes the class file
     * @param sites the points of this class
     * @param found set to 1 at each point whose method was found
     * @return the class file with its hooks
     */
    static byte[] rewrite(List<HookPoint> table, byte[] bytes, int[] sites, AtomicIntegerArray found) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean frames = HookClassVisitor.needsFrames(table, sites);
        reader.accept(new HookClassVisitor(writer, table, sites, found), frames ? ClassReader.EXPAND_FRAMES : 0);
        return writer.toByteArray();
    }

    /** The same points found, without rewriting (the hook check, on a class file read from the runtime image). */
    static void scan(List<HookPoint> table, byte[] bytes, int[] sites, AtomicIntegerArray found) {
        new ClassReader(bytes).accept(new HookClassVisitor(null, table, sites, found), ClassReader.SKIP_CODE);
    }
}
