package dev.jhtrace.agent.hook;

/** How a {@link HookPoint} finds its descriptors: one constant per reading in {@link Extractors}. */
enum Extraction {
    /** See {@code Extractors.fileStream}. */
    FILE_STREAM,
    /** See {@code Extractors.nativeOpen}. */
    NATIVE_OPEN,
    /** See {@code Extractors.secureDirectoryStream}. */
    SECURE_DIRECTORY_STREAM,
    /** See {@code Extractors.socket}. */
    SOCKET,
    /** See {@code Extractors.pipe}. */
    PIPE,
    /** See {@code Extractors.selector}. */
    SELECTOR,
    /** See {@code Extractors.watchService}. */
    WATCH_SERVICE,
    /** See {@code Extractors.watchServiceClose}. */
    WATCH_SERVICE_CLOSE,
    /** See {@code Extractors.epollPort}. */
    EPOLL_PORT,
    /** See {@code Extractors.processStreams}. */
    PROCESS_STREAMS,
    /** See {@code Extractors.descriptor}. */
    DESCRIPTOR,
    /** See {@code Extractors.fileCleanable}. */
    FILE_CLEANABLE,
    /** See {@code Extractors.intFd}. */
    INT_FD,
    /** See {@code Extractors.directoryStreamClose}. */
    DIRECTORY_STREAM_CLOSE,
    /** See {@code Extractors.platformMBeanServer}. */
    PLATFORM_M_BEAN_SERVER,
    /** See {@code Extractors.badReference}. */
    BAD_REFERENCE,
    /** See {@code Extractors.openFailed}. */
    OPEN_FAILED
}
