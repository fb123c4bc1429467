package dev.jhtrace.agent.hook;

/**
 * Narrows a {@link HookPoint} to the overloads it means, from a method's access flags and descriptor alone.
 *
 * <p>Shapes say as little as they must (the number of parameters, the type of one of them, the return type),
 * so that a parameter added in a later JDK does not lose the hook. Abstract and native methods never match:
 * they have no code to put a hook into.
 */
final class MethodShape {
    /** Any method of the given name. */
    static final MethodShape ANY = new MethodShape(-1, -1, null, null, false);

    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_STATIC = 0x0008;
    private static final int ACC_NATIVE = 0x0100;
    private static final int ACC_ABSTRACT = 0x0400;

    private final int parameters;
    private final int parameterIndex;
    private final String parameterType;
    private final String returnType;
    private final boolean publicInstance;

    private MethodShape(
            int parameters, int parameterIndex, String parameterType, String returnType, boolean publicInstance) {
        this.parameters = parameters;
        this.parameterIndex = parameterIndex;
        this.parameterType = parameterType;
        this.returnType = returnType;
        this.publicInstance = publicInstance;
    }

    /**
     * @param count the number of parameters
     * @return this shape, also requiring that many parameters
     */
    MethodShape parameters(int count) {
        return new MethodShape(count, parameterIndex, parameterType, returnType, publicInstance);
    }

    /**
     * @param index      a parameter's position
     * @param descriptor its type as a descriptor ({@code I}, {@code Ljava/io/FileDescriptor;})
     * @return this shape, also requiring that parameter type
     */
    MethodShape parameter(int index, String descriptor) {
        return new MethodShape(parameters, index, descriptor, returnType, publicInstance);
    }

    /**
     * @param descriptor the return type as a descriptor
     * @return this shape, also requiring that return type
     */
    MethodShape returning(String descriptor) {
        return new MethodShape(parameters, parameterIndex, parameterType, descriptor, publicInstance);
    }

    /** @return this shape, also requiring a public instance method */
    MethodShape publicInstance() {
        return new MethodShape(parameters, parameterIndex, parameterType, returnType, true);
    }

    /**
     * @param access     the method's access flags
     * @param descriptor the method's descriptor
     * @return whether the method has this shape
     */
    boolean matches(int access, String descriptor) {
        if ((access & (ACC_NATIVE | ACC_ABSTRACT)) != 0) {
            return false;
        }
        if (publicInstance && ((access & ACC_PUBLIC) == 0 || (access & ACC_STATIC) != 0)) {
            return false;
        }
        String[] types = Descriptors.parameters(descriptor);
        if (parameters >= 0 && types.length != parameters) {
            return false;
        }
        if (parameterIndex >= 0 && (parameterIndex >= types.length || !types[parameterIndex].equals(parameterType))) {
            return false;
        }
        return returnType == null || Descriptors.returnType(descriptor).equals(returnType);
    }
}
