package dev.jhtrace.agent.jfr;

import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;

/** What every handle event says of its handle. */
abstract class HandleEvent extends Event {
    @Label("Handle")
    @Description("The file descriptor number")
    int handle;

    @Label("Kind")
    @Description("FILE, DIRECTORY, SOCKET, PIPE, EPOLL, EVENTFD, INOTIFY, TIMERFD or UNKNOWN")
    String kind;

    @Label("Description")
    @Description("The path, or the socket's endpoints")
    String description;
}
