package dev.jhtrace.agent.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link LeakReport} as one self-contained HTML page (no network, no external file): the summary, the leak
 * sites, a flame graph of the leaks by open stack that zooms on click, the open-handle count over time, the leaks by
 * site and stack (the program's frames stand out, runs of JDK frames fold), the traces and the untraced descriptors.
 * Everything but the flame graph is plain HTML; the flame graph is a small script over data embedded in the page.
 */
public final class HtmlReportWriter {
    private HtmlReportWriter() {}

    /**
     * @param r the report
     * @return the page
     */
    public static String write(LeakReport r) {
        StringBuilder sb = new StringBuilder(16_384);
        String title = "jhtrace report, pid " + r.pid();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(html(title))
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style></head>\n<body>\n<h1>")
                .append(html(title))
                .append("</h1>\n");
        summary(sb, r);
        sites(sb, LeakSites.of(r));
        sb.append("<h2>Flame graph of the leaks by open stack</h2>\n")
                .append("<p class=\"note\">Outermost frame at the top; the width of a frame is the number of leaked"
                        + " handles opened through it. Click a frame to zoom to it, click it again to see all."
                        + " <button id=\"flame-reset\" type=\"button\">Show all</button></p>\n")
                .append("<div id=\"flame\" class=\"flame\"></div>\n");
        timeline(sb, r.timeline());
        groups(sb, "Open handles by site and stack", r.openHandles(), "still open");
        groups(
                sb,
                "Handles reclaimed by the GC, by site and stack",
                r.reclaimed(),
                "never closed, reclaimed by the GC");
        traces(sb, r.traces());
        untraced(sb, r.untraced());
        sb.append("<script type=\"application/json\" id=\"jhtrace-data\">")
                .append(flameData(r))
                .append("</script>\n<script>")
                .append(SCRIPT)
                .append("</script>\n</body></html>\n");
        return sb.toString();
    }

    private static void summary(StringBuilder sb, LeakReport r) {
        sb.append("<p class=\"command\">").append(html(r.command())).append("</p>\n<table class=\"stats\">\n");
        row(sb, "Report made", IsoTime.of(r.generatedAt()));
        row(sb, "Tracing since", IsoTime.of(r.startedAt()));
        row(
                sb,
                "Leaks (open and reclaimed)",
                Integer.toString(r.openHandles().size() + r.reclaimed().size()));
        row(sb, "Open handles", Integer.toString(r.openHandles().size()));
        row(sb, "Reclaimed by the GC", Integer.toString(r.reclaimed().size()));
        row(sb, "Untraced descriptors", Integer.toString(r.untraced().size()));
        row(sb, "Held by the JVM itself or jhtrace, not shown", Integer.toString(r.hidden()));
        row(sb, "Suppressed (suppress=)", Integer.toString(r.suppressed()));
        row(sb, "Events dropped", Long.toString(r.dropped()));
        row(sb, "Events unreadable and skipped", Long.toString(r.errors()));
        row(sb, "Traces held", Long.toString(r.parsed()));
        sb.append("</table>\n");
        for (String w : r.warnings()) {
            sb.append("<p class=\"warning\">warning: ").append(html(w)).append("</p>\n");
        }
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><th>")
                .append(html(name))
                .append("</th><td>")
                .append(html(value))
                .append("</td></tr>\n");
    }

    private static void sites(StringBuilder sb, List<LeakSites.Site> sites) {
        sb.append("<h2>Leak sites</h2>\n");
        if (sites.isEmpty()) {
            sb.append("<p>No leaks.</p>\n");
            return;
        }
        sb.append("<table class=\"sites\"><tr><th>open</th><th>reclaimed</th><th>kinds</th><th>site</th>")
                .append("<th>stacks</th><th>first opened</th><th>last opened</th></tr>\n");
        for (LeakSites.Site s : sites) {
            sb.append("<tr><td>")
                    .append(s.count())
                    .append("</td><td>")
                    .append(s.reclaimed())
                    .append("</td><td>")
                    .append(html(String.join(",", s.kinds())))
                    .append("</td><td class=\"site\">")
                    .append(html(s.site()))
                    .append("</td><td>")
                    .append(s.stacks())
                    .append("</td><td>")
                    .append(IsoTime.of(s.oldestAt()))
                    .append("</td><td>")
                    .append(IsoTime.of(s.newestAt()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    /** The count over time as an inline SVG line chart: computed here, so it needs no script. */
    private static void timeline(StringBuilder sb, List<OpenCount> samples) {
        sb.append("<h2>Open handles over time</h2>\n");
        if (samples.size() < 2) {
            sb.append("<p class=\"note\">Not enough samples for a chart.</p>\n");
            return;
        }
        long t0 = samples.get(0).at();
        long t1 = samples.get(samples.size() - 1).at();
        int max = 1;
        for (OpenCount c : samples) {
            max = Math.max(max, c.open());
        }
        double width = 800;
        double height = 160;
        StringBuilder points = new StringBuilder();
        for (OpenCount c : samples) {
            double x = t1 == t0 ? 0 : (c.at() - t0) * width / (t1 - t0);
            double y = height - c.open() * height / max;
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        sb.append("<svg id=\"timeline\" class=\"timeline\" viewBox=\"-60 -10 880 200\" role=\"img\" aria-label=\"")
                .append("open handles over time\">\n<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" ")
                .append("points=\"")
                .append(points.toString().trim())
                .append("\"/>\n<line x1=\"0\" y1=\"160\" x2=\"800\" y2=\"160\" stroke=\"#888\"/>")
                .append("<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"160\" stroke=\"#888\"/>\n")
                .append("<text x=\"-8\" y=\"8\" text-anchor=\"end\">")
                .append(max)
                .append("</text><text x=\"-8\" y=\"160\" text-anchor=\"end\">0</text>\n<text x=\"0\" y=\"180\">")
                .append(IsoTime.of(t0))
                .append("</text><text x=\"800\" y=\"180\" text-anchor=\"end\">")
                .append(IsoTime.of(t1))
                .append("</text>\n</svg>\n");
    }

    /** Handles by site, then by stack: each stack once, with its handles (the first ten) and its frames folded. */
    private static void groups(StringBuilder sb, String title, List<HandleView> handles, String what) {
        if (handles.isEmpty()) {
            return;
        }
        sb.append("<h2>").append(html(title)).append("</h2>\n");
        Map<String, Map<List<StackTraceElement>, List<HandleView>>> bySite = TextReportWriter.bySiteAndStack(handles);
        for (Map.Entry<String, Map<List<StackTraceElement>, List<HandleView>>> site : bySite.entrySet()) {
            int count = 0;
            for (List<HandleView> hs : site.getValue().values()) {
                count += hs.size();
            }
            sb.append("<section class=\"group\"><h3>")
                    .append(count)
                    .append(' ')
                    .append(html(what))
                    .append(" at <span class=\"site\">")
                    .append(html(site.getKey()))
                    .append("</span>, from ")
                    .append(site.getValue().size())
                    .append(" stack(s)</h3>\n");
            for (List<HandleView> hs : site.getValue().values()) {
                HandleView first = hs.get(0);
                sb.append("<div class=\"stack\"><p>")
                        .append(hs.size())
                        .append(" handle(s), first opened by thread &quot;")
                        .append(html(first.thread()))
                        .append("&quot; at ")
                        .append(IsoTime.of(first.openedAt()))
                        .append(":</p>\n<ul class=\"handles\">");
                for (int i = 0; i < hs.size() && i < TextReportWriter.HANDLES_PER_STACK; i++) {
                    HandleView h = hs.get(i);
                    sb.append("<li>")
                            .append(TextReportWriter.hex(h.handle()))
                            .append(' ')
                            .append(html(h.kind()))
                            .append(' ')
                            .append(html(h.description()))
                            .append("</li>");
                }
                if (hs.size() > TextReportWriter.HANDLES_PER_STACK) {
                    sb.append("<li>and ")
                            .append(hs.size() - TextReportWriter.HANDLES_PER_STACK)
                            .append(" more</li>");
                }
                sb.append("</ul>\n");
                frames(sb, first.stack());
                sb.append("</div>\n");
            }
            sb.append("</section>\n");
        }
    }

    /** A stack, innermost first: the program's frames in bold, each run of other frames folded under one line. */
    private static void frames(StringBuilder sb, List<StackTraceElement> stack) {
        sb.append("<ol class=\"frames\">");
        int i = 0;
        while (i < stack.size()) {
            if (LeakSites.isProgram(stack.get(i))) {
                sb.append("<li class=\"program\">at ")
                        .append(html(LeakSites.frame(stack.get(i))))
                        .append("</li>");
                i++;
                continue;
            }
            int end = i;
            while (end < stack.size() && !LeakSites.isProgram(stack.get(end))) {
                end++;
            }
            sb.append("<li><details><summary>")
                    .append(end - i)
                    .append(end - i == 1 ? " frame" : " frames")
                    .append(" of the JDK and libraries</summary><ol>");
            for (int k = i; k < end; k++) {
                sb.append("<li>at ").append(html(LeakSites.frame(stack.get(k)))).append("</li>");
            }
            sb.append("</ol></details></li>");
            i = end;
        }
        sb.append("</ol>\n");
    }

    private static void traces(StringBuilder sb, List<TraceView> traces) {
        if (traces.isEmpty()) {
            return;
        }
        sb.append("<h2>Traces, newest first</h2>\n");
        for (TraceView t : traces) {
            sb.append("<div class=\"stack\"><p>Handle ")
                    .append(t.handle() < 0 ? "?" : TextReportWriter.hex(t.handle()))
                    .append(" - ")
                    .append(html("BAD_REFERENCE".equals(t.type()) ? "BAD REFERENCE" : t.type()))
                    .append(": ")
                    .append(html(t.kind()))
                    .append(' ')
                    .append(html(t.description()))
                    .append(", thread &quot;")
                    .append(html(t.thread()))
                    .append("&quot; at ")
                    .append(IsoTime.of(t.time()))
                    .append("</p>\n");
            frames(sb, t.stack());
            sb.append("</div>\n");
        }
    }

    private static void untraced(StringBuilder sb, List<UntracedView> untraced) {
        if (untraced.isEmpty()) {
            return;
        }
        sb.append("<h2>Untraced open descriptors</h2>\n<p class=\"note\">No stack: open before tracing, or opened by")
                .append(" code no hook sees.</p>\n<ul class=\"untraced\">");
        for (UntracedView u : untraced) {
            sb.append("<li>")
                    .append(TextReportWriter.hex(u.handle()))
                    .append(' ')
                    .append(html(u.description()))
                    .append(u.lost() ? " (lost: events for this number were dropped)" : "")
                    .append("</li>");
        }
        sb.append("</ul>\n");
    }

    /** @return the flame graph's data as JSON that cannot end the script element it is in */
    private static String flameData(LeakReport r) {
        StringBuilder sb = new StringBuilder("{\"lines\":[");
        List<CollapsedStacksWriter.Line> lines = CollapsedStacksWriter.lines(r);
        for (int i = 0; i < lines.size(); i++) {
            CollapsedStacksWriter.Line l = lines.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"count\":").append(l.count()).append(",\"frames\":[");
            for (int f = 0; f < l.frames().size(); f++) {
                sb.append(f == 0 ? "" : ",")
                        .append(JsonReportWriter.str(l.frames().get(f)));
            }
            sb.append("]}");
        }
        Set<String> program = new LinkedHashSet<>();
        for (int pass = 0; pass < 2; pass++) {
            for (HandleView h : pass == 0 ? r.openHandles() : r.reclaimed()) {
                for (StackTraceElement f : h.stack()) {
                    if (LeakSites.isProgram(f)) {
                        program.add(CollapsedStacksWriter.name(LeakSites.frame(f)));
                    }
                }
            }
        }
        sb.append("],\"program\":[");
        int i = 0;
        for (String p : program) {
            sb.append(i++ == 0 ? "" : ",").append(JsonReportWriter.str(p));
        }
        sb.append("]}");
        // "</script>" or "<!--" inside a string would end or change the element: '<' is written as its escape
        return sb.toString().replace("<", "\\u003c");
    }

    /** @return text safe in an element or an attribute, with control characters as {@code \xNN} */
    static String html(String text) {
        if (text == null) {
            return "";
        }
        String s = Escapes.printable(text);
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String STYLE = """
            body { font: 14px/1.4 system-ui, sans-serif; margin: 1em 2em; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; border-bottom: 1px solid #ddd; }
            h3 { font-size: 1em; }
            .command, .site, .frames, .handles, .untraced { font-family: ui-monospace, monospace; font-size: 12px; }
            .command { color: #555; word-break: break-all; }
            table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 10px 2px 0; }
            .sites td:first-child, .sites td:nth-child(2) { text-align: right; }
            .warning { color: #a04000; }
            .note { color: #666; }
            .flame { position: relative; width: 100%; min-height: 20px; overflow: hidden; }
            .flame .frame { position: absolute; height: 17px; box-sizing: border-box; border: 1px solid #fff;
                            background: #e8a35c; font: 11px/15px ui-monospace, monospace; overflow: hidden;
                            white-space: nowrap; text-overflow: ellipsis; padding: 0 3px; cursor: pointer; }
            .flame .frame.program { background: #d9534f; color: #fff; font-weight: bold; }
            .flame .frame.kind { background: #8fa8c8; }
            .flame .frame.focus { outline: 2px solid #333; }
            .timeline { width: 100%; max-width: 900px; font: 11px sans-serif; }
            .group { margin: 0.5em 0 1em; }
            .stack { margin: 0.3em 0 0.8em 1em; }
            .frames { list-style: none; padding-left: 1em; margin: 0; }
            .frames .program { font-weight: bold; color: #b02020; }
            details summary { color: #777; cursor: pointer; }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              var ROW = 18;
              var data = JSON.parse(document.getElementById('jhtrace-data').textContent);
              var program = new Set(data.program);
              function node(name, parent) { return { name: name, value: 0, children: new Map(), parent: parent }; }
              var root = node('all leaks', null);
              data.lines.forEach(function (line) {
                var n = root;
                root.value += line.count;
                line.frames.forEach(function (f) {
                  var c = n.children.get(f);
                  if (!c) { c = node(f, n); n.children.set(f, c); }
                  c.value += line.count;
                  n = c;
                });
              });
              var flame = document.getElementById('flame');
              var focus = root;
              var rows = 0;
              function add(n, depth, x, w) {
                var d = document.createElement('div');
                d.className = 'frame' + (program.has(n.name) ? ' program' : '')
                    + (n.name.charAt(0) === '[' ? ' kind' : '') + (n === focus ? ' focus' : '');
                d.style.left = x + '%';
                d.style.width = w + '%';
                d.style.top = (depth * ROW) + 'px';
                d.textContent = n.name;
                d.title = n.name + ': ' + n.value + ' handle(s)';
                d.setAttribute('data-name', n.name);
                d.setAttribute('data-value', String(n.value));
                d.addEventListener('click', function () {
                  focus = n === focus ? root : n;
                  render();
                });
                flame.appendChild(d);
                rows = Math.max(rows, depth + 1);
              }
              function layout(n, depth, x, w) {
                var children = Array.from(n.children.values()).sort(function (a, b) { return b.value - a.value; });
                var cx = x;
                children.forEach(function (c) {
                  var cw = w * c.value / n.value;
                  if (cw >= 0.05) {
                    add(c, depth + 1, cx, cw);
                    layout(c, depth + 1, cx, cw);
                  }
                  cx += cw;
                });
              }
              function render() {
                flame.textContent = '';
                rows = 0;
                var chain = [];
                for (var a = focus; a; a = a.parent) { chain.unshift(a); }
                chain.forEach(function (a, depth) { add(a, depth, 0, 100); });
                layout(focus, chain.length - 1, 0, 100);
                flame.style.height = (rows * ROW) + 'px';
              }
              document.getElementById('flame-reset').addEventListener('click', function () {
                focus = root;
                render();
              });
              render();
            })();
            """;
}
