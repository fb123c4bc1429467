package dev.jhtrace.agent.report;

import java.util.List;

/**
 * Writes a {@link LeakReport} as the JSON object of the contract (docs/report-formats.md). Hand-written
 * so that the agent carries no JSON library onto the application's class path.
 */
public final class JsonReportWriter {
    private JsonReportWriter() {}

    /**
     * @param r the report
     * @return its JSON form
     */
    public static String write(LeakReport r) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("{\"pid\":").append(r.pid());
        sb.append(",\"command\":").append(str(r.command()));
        sb.append(",\"startedAt\":").append(str(IsoTime.of(r.startedAt())));
        sb.append(",\"generatedAt\":").append(str(IsoTime.of(r.generatedAt())));
        sb.append(",\n\"stats\":{\"parsed\":")
                .append(r.parsed())
                .append(",\"dumped\":")
                .append(r.dumped())
                .append(",\"dropped\":")
                .append(r.dropped())
                .append(",\"openHandles\":")
                .append(r.openHandles().size())
                .append(",\"untraced\":")
                .append(r.untraced().size())
                .append(",\"reclaimed\":")
                .append(r.reclaimed().size())
                .append(",\"leaks\":")
                .append(r.openHandles().size() + r.reclaimed().size())
                .append(",\"lost\":")
                .append(r.lost())
                .append(",\"hidden\":")
                .append(r.hidden())
                .append(",\"events\":")
                .append(r.events())
                .append(",\"errors\":")
                .append(r.errors())
                .append(",\"evicted\":")
                .append(r.evicted())
                .append(",\"suppressed\":")
                .append(r.suppressed())
                .append('}');
        sb.append(",\n\"sites\":[");
        List<LeakSites.Site> sites = LeakSites.of(r);
        for (int i = 0; i < sites.size(); i++) {
            LeakSites.Site s = sites.get(i);
            sb.append(i == 0 ? "\n " : ",\n ")
                    .append("{\"site\":")
                    .append(str(s.site()))
                    .append(",\"count\":")
                    .append(s.count())
                    .append(",\"reclaimed\":")
                    .append(s.reclaimed())
                    .append(",\"kinds\":[");
            for (int k = 0; k < s.kinds().size(); k++) {
                sb.append(k == 0 ? "" : ",").append(str(s.kinds().get(k)));
            }
            sb.append("],\"oldestAt\":")
                    .append(str(IsoTime.of(s.oldestAt())))
                    .append(",\"newestAt\":")
                    .append(str(IsoTime.of(s.newestAt())))
                    .append(",\"stacks\":")
                    .append(s.stacks())
                    .append('}');
        }
        sb.append(']');
        sb.append(",\n\"openHandles\":");
        handles(sb, r.openHandles());
        sb.append(",\n\"traces\":[");
        for (int i = 0; i < r.traces().size(); i++) {
            sb.append(i == 0 ? "\n " : ",\n ");
            trace(sb, r.traces().get(i));
        }
        sb.append("],\n\"reclaimed\":");
        handles(sb, r.reclaimed());
        sb.append(",\n\"untraced\":[");
        for (int i = 0; i < r.untraced().size(); i++) {
            UntracedView u = r.untraced().get(i);
            sb.append(i == 0 ? "" : ",")
                    .append("{\"handle\":")
                    .append(u.handle())
                    .append(",\"description\":")
                    .append(str(u.description()))
                    .append(u.lost() ? ",\"lost\":true}" : "}");
        }
        sb.append("],\n\"warnings\":[");
        for (int i = 0; i < r.warnings().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(str(r.warnings().get(i)));
        }
        sb.append("],\n\"timeline\":[");
        for (int i = 0; i < r.timeline().size(); i++) {
            OpenCount c = r.timeline().get(i);
            sb.append(i == 0 ? "" : ",")
                    .append("{\"at\":")
                    .append(str(IsoTime.of(c.at())))
                    .append(",\"open\":")
                    .append(c.open())
                    .append('}');
        }
        return sb.append("]}\n").toString();
    }

    private static void trace(StringBuilder sb, TraceView t) {
        sb.append("{\"handle\":")
                .append(t.handle())
                .append(",\"generation\":")
                .append(t.generation())
                .append(",\"type\":")
                .append(str(t.type()))
                .append(",\"kind\":")
                .append(str(t.kind()))
                .append(",\"description\":")
                .append(str(t.description()))
                .append(",\"thread\":")
                .append(str(t.thread()))
                .append(",\"time\":")
                .append(str(IsoTime.of(t.time())))
                .append(",\"stack\":");
        frames(sb, t.stack());
        if (t.previousClose() != null) {
            sb.append(",\"previousClose\":");
            trace(sb, t.previousClose());
        }
        if (t.opened() != null) {
            sb.append(",\"opened\":");
            handle(sb, t.opened());
        }
        sb.append('}');
    }

    private static void handles(StringBuilder sb, List<HandleView> handles) {
        sb.append('[');
        for (int i = 0; i < handles.size(); i++) {
            sb.append(i == 0 ? "\n " : ",\n ");
            handle(sb, handles.get(i));
        }
        sb.append(']');
    }

    private static void handle(StringBuilder sb, HandleView h) {
        {
            sb.append("{\"handle\":")
                    .append(h.handle())
                    .append(",\"generation\":")
                    .append(h.generation())
                    .append(",\"kind\":")
                    .append(str(h.kind()))
                    .append(",\"description\":")
                    .append(str(h.description()))
                    .append(",\"thread\":")
                    .append(str(h.thread()))
                    .append(",\"openedAt\":")
                    .append(str(IsoTime.of(h.openedAt())))
                    .append(",\"stack\":");
            frames(sb, h.stack());
            sb.append('}');
        }
    }

    private static void frames(StringBuilder sb, List<StackTraceElement> stack) {
        sb.append('[');
        for (int i = 0; i < stack.size(); i++) {
            StackTraceElement f = stack.get(i);
            if (NativeFrame.is(f)) {
                sb.append(i == 0 ? "" : ",")
                        .append("{\"native\":")
                        .append(str(f.getMethodName()))
                        .append('}');
                continue;
            }
            sb.append(i == 0 ? "" : ",")
                    .append("{\"class\":")
                    .append(str(f.getClassName()))
                    .append(",\"method\":")
                    .append(str(f.getMethodName()))
                    .append(",\"file\":")
                    .append(str(f.getFileName()))
                    .append(",\"line\":")
                    .append(f.getLineNumber())
                    .append('}');
        }
        sb.append(']');
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
