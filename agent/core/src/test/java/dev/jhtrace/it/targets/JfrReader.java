package dev.jhtrace.it.targets;

import java.nio.file.Paths;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording with {@code jdk.jfr.consumer} on the JDK that wrote it, and prints one line per jhtrace event:
 * {@code EVENT name handle kind | frames (class.method:line, innermost first) | fields}.
 */
public final class JfrReader {
    public static void main(String[] args) throws Exception {
        for (RecordedEvent e : RecordingFile.readAllEvents(Paths.get(args[0]))) {
            String name = e.getEventType().getName();
            if (!name.startsWith("dev.jhtrace.")) {
                continue;
            }
            StringBuilder sb = new StringBuilder("EVENT ").append(name);
            if (e.hasField("handle")) {
                sb.append(' ').append(e.getInt("handle")).append(' ').append(e.getString("kind"));
            }
            sb.append(" |");
            if (e.getStackTrace() != null) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    sb.append(' ').append(f.getMethod().getType().getName()).append('.')
                            .append(f.getMethod().getName()).append(':').append(f.getLineNumber());
                }
            }
            sb.append(" |");
            for (String field : new String[] {"reclaimed", "site", "openedBy", "total", "files"}) {
                if (e.hasField(field)) {
                    sb.append(' ').append(field).append('=').append(String.valueOf((Object) e.getValue(field)));
                }
            }
            System.out.println(sb);
        }
    }
}
