package dev.jhtrace.agent.hook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Finds the hooked methods of one JDK class and hands each to a {@link HookMethodVisitor}; every other
 * method passes through untouched (ASM then copies its bytes as they are).
 */
final class HookClassVisitor extends ClassVisitor {
    private final List<HookPoint> table;
    private final int[] candidates;
    private final AtomicIntegerArray matched;
    private String owner;

    /**
     * @param next       where the class goes, or {@code null} to only find out which points match
     * @param table      all hook points; a point's index is its site
     * @param candidates the indexes of the points in this class
     * @param matched    set to 1 at the index of every point that found its method
     */
    HookClassVisitor(ClassVisitor next, List<HookPoint> table, int[] candidates, AtomicIntegerArray matched) {
        super(Opcodes.ASM9, next);
        this.table = table;
        this.candidates = candidates;
        this.matched = matched;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(
            int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        List<HookPoint> here = null;
        int[] sites = null;
        for (int site : candidates) {
            HookPoint p = table.get(site);
            if (p.method().equals(name) && p.shape().matches(access, descriptor)) {
                if (here == null) {
                    here = new ArrayList<>(2);
                    sites = new int[candidates.length];
                }
                sites[here.size()] = site;
                here.add(p);
                matched.set(site, 1);
            }
        }
        return here == null || mv == null ? mv : new HookMethodVisitor(mv, owner, access, descriptor, here, sites);
    }

    /**
     * @param table      all hook points
     * @param candidates the points in one class
     * @return whether any of them needs expanded frames ({@link HookCode#FAILED_THIS})
     */
    static boolean needsFrames(List<HookPoint> table, int[] candidates) {
        for (int site : candidates) {
            if (table.get(site).code().where == HookCode.Where.THROW) {
                return true;
            }
        }
        return false;
    }
}
