package dev.jhtrace.agent.hook;

import java.util.List;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Writes the hook calls of one JDK method: straight-line calls at entry and before each return, and a
 * catch-all handler at the end for {@link HookCode#FAILED_THIS}.
 *
 * <p>This is what ByteBuddy's inlined advice compiled to, written directly with the ASM that ByteBuddy
 * ships: building ByteBuddy's type model loads about a thousand classes and cost 0.4-0.7 s of start-up.
 * The inserted calls never branch and use no locals, so existing stack map frames stay valid; the handler
 * gets a full frame (the parameters, and the exception on the stack), which is why classes with such a
 * hook are read with expanded frames.
 */
final class HookMethodVisitor extends MethodVisitor {
    private static final String HOOKS = "dev/jhtrace/bootstrap/HandleHooks";
    private static final String OPENED = "(ILjava/lang/Object;Ljava/lang/Object;)V";
    private static final String OPENED_FD = "(IILjava/lang/Object;I)V";
    private static final String CLOSING = "(ILjava/lang/Object;)V";
    private static final String CLOSING_FD = "(II)V";
    private static final String FAILED = "(ILjava/lang/Object;Ljava/lang/Throwable;)V";
    /** The most the inserted code adds to the operand stack. */
    private static final int EXTRA_STACK = 5;

    private final String owner;
    private final String descriptor;
    private final boolean isStatic;
    private final List<HookPoint> points;
    private final int[] sites;
    private final Label bodyStart = new Label();
    private boolean onThrow;

    /**
     * @param next       where the method goes
     * @param owner      the class's internal name
     * @param access     the method's access flags
     * @param descriptor the method's descriptor
     * @param points     the hook points on this method
     * @param sites      their indexes in the agent's table, in the same order
     */
    HookMethodVisitor(
            MethodVisitor next, String owner, int access, String descriptor, List<HookPoint> points, int[] sites) {
        super(Opcodes.ASM9, next);
        this.owner = owner;
        this.descriptor = descriptor;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.points = points;
        this.sites = sites;
        for (HookPoint p : points) {
            onThrow |= p.code().where == HookCode.Where.THROW;
        }
    }

    @Override
    public void visitCode() {
        super.visitCode();
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).code().where == HookCode.Where.ENTRY) {
                callAtEntry(points.get(i).code(), sites[i]);
            }
        }
        if (onThrow) {
            super.visitLabel(bodyStart);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            for (int i = 0; i < points.size(); i++) {
                if (points.get(i).code().where == HookCode.Where.RETURN) {
                    callAtReturn(points.get(i).code(), sites[i]);
                }
            }
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (onThrow) {
            Label bodyEnd = new Label();
            Label handler = new Label();
            super.visitLabel(bodyEnd);
            super.visitLabel(handler);
            Object[] locals = parameterFrame();
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            for (int i = 0; i < points.size(); i++) {
                if (points.get(i).code().where == HookCode.Where.THROW) {
                    // [t] -> [t, t] -> [t, t, site] -> [t, site, t] -> [t, site, t, this] -> [t, site, this, t]
                    super.visitInsn(Opcodes.DUP);
                    pushSite(sites[i]);
                    super.visitInsn(Opcodes.SWAP);
                    load(points.get(i).code().owner);
                    super.visitInsn(Opcodes.SWAP);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "failed", FAILED, false);
                }
            }
            super.visitInsn(Opcodes.ATHROW);
            // visited last, so that the method's own handlers, listed first, keep catching what they catch
            super.visitTryCatchBlock(bodyStart, bodyEnd, handler, null);
        }
        super.visitMaxs(maxStack + EXTRA_STACK, maxLocals);
    }

    private void callAtEntry(HookCode code, int site) {
        pushSite(site);
        if (code == HookCode.CLOSING_INT_ARG0) {
            super.visitVarInsn(Opcodes.ILOAD, Descriptors.slotOf(descriptor, isStatic, 0));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "closingFd", CLOSING_FD, false);
        } else {
            load(code.owner);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "closing", CLOSING, false);
        }
    }

    private void callAtReturn(HookCode code, int site) {
        switch (code) {
            case OPENED_INT_RETURN, OPENED_AT_INT_RETURN -> {
                // [fd] -> [fd, fd] -> [fd, fd, site] -> [fd, site, fd] -> + path, flags
                int pathIndex = code == HookCode.OPENED_INT_RETURN ? 0 : 1;
                super.visitInsn(Opcodes.DUP);
                pushSite(site);
                super.visitInsn(Opcodes.SWAP);
                super.visitVarInsn(Opcodes.ALOAD, Descriptors.slotOf(descriptor, isStatic, pathIndex));
                super.visitVarInsn(Opcodes.ILOAD, Descriptors.slotOf(descriptor, isStatic, pathIndex + 1));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "openedFd", OPENED_FD, false);
            }
            case OPENED_RETURN -> {
                super.visitInsn(Opcodes.DUP);
                pushSite(site);
                super.visitInsn(Opcodes.SWAP);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "opened", OPENED, false);
            }
            default -> {
                pushSite(site);
                load(code.owner);
                load(code.detail);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "opened", OPENED, false);
            }
        }
    }

    private void load(HookCode.Value value) {
        switch (value) {
            case THIS -> super.visitVarInsn(Opcodes.ALOAD, 0);
            case ARG0 -> super.visitVarInsn(Opcodes.ALOAD, Descriptors.slotOf(descriptor, isStatic, 0));
            case ARG1 -> super.visitVarInsn(Opcodes.ALOAD, Descriptors.slotOf(descriptor, isStatic, 1));
            default -> super.visitInsn(Opcodes.ACONST_NULL);
        }
    }

    private void pushSite(int site) {
        if (site <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + site);
        } else if (site <= Byte.MAX_VALUE) {
            super.visitIntInsn(Opcodes.BIPUSH, site);
        } else {
            super.visitIntInsn(Opcodes.SIPUSH, site);
        }
    }

    /** The locals on entry (receiver and parameters), in ASM's expanded frame notation. */
    private Object[] parameterFrame() {
        String[] types = Descriptors.parameters(descriptor);
        Object[] locals = new Object[types.length + (isStatic ? 0 : 1)];
        int i = 0;
        if (!isStatic) {
            locals[i++] = owner;
        }
        for (String t : types) {
            locals[i++] = switch (t.charAt(0)) {
                case 'Z', 'B', 'C', 'S', 'I' -> Opcodes.INTEGER;
                case 'J' -> Opcodes.LONG;
                case 'F' -> Opcodes.FLOAT;
                case 'D' -> Opcodes.DOUBLE;
                case 'L' -> t.substring(1, t.length() - 1);
                default -> t; // arrays are named by their descriptor
            };
        }
        return locals;
    }
}
