package dev.jhtrace.agent;

/** What a descriptor refers to. */
public enum HandleKind {
    /** A regular file (or a device opened as one). */
    FILE,
    /** An open directory (directory streams). */
    DIRECTORY,
    /** A socket of any family; the OS tells TCP, UDP or Unix when reported. */
    SOCKET,
    /** One end of a pipe (NIO {@code Pipe}, a child process's standard streams). */
    PIPE,
    /** An epoll instance (selectors, asynchronous channel groups). */
    EPOLL,
    /** An eventfd (a selector's wakeup). */
    EVENTFD,
    /** An inotify instance (a {@code WatchService}). */
    INOTIFY,
    /** A timerfd (native code's timers: event loops such as Netty's epoll transport). */
    TIMERFD,
    /** Not known from the hook. */
    UNKNOWN
}
