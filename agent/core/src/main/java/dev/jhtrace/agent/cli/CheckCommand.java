package dev.jhtrace.agent.cli;

import dev.jhtrace.agent.report.HandleView;
import dev.jhtrace.agent.report.JsonReader;
import dev.jhtrace.agent.report.JsonReportReader;
import dev.jhtrace.agent.report.LeakSites;
import dev.jhtrace.agent.report.Suppressions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code jhtrace check REPORT.json|DIR ... [--max N] [--suppress FILE]}: the CI gate. Reads JSON reports (a directory's
 * {@code *.json}, as a test run's forks write them with {@code report=DIR/leaks-%p.json}), merges their leaks (open
 * and reclaimed handles) by leak site, prints the sites, and exits 1 when there are more than {@code --max} (default
 * 0), 2 on bad input, 0 otherwise.
 */
final class CheckCommand {
    /** The most bytes one report may have: a report of 100,000 leaks with deep stacks is ~100 MB. */
    private static final long MAX_REPORT_BYTES = 512L << 20;

    /** How deep a directory is searched for reports. */
    private static final int MAX_DIRECTORY_DEPTH = 8;

    private CheckCommand() {}

    /** A bad command line or an unreadable report: exit status 2, with this message. */
    private static class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /** JSON that is not a jhtrace report: bad input when named, skipped (and said) when found in a directory. */
    private static final class NotAReport extends BadInput {
        NotAReport(String message) {
            super(message);
        }
    }

    /**
     * @param args the arguments after {@code check}
     * @param out  where the verdict and the sites go
     * @param err  where bad input is said
     * @return 0 when the leaks are within the limit, 1 when not, 2 on bad input
     */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            return check(args, out, err);
        } catch (BadInput e) {
            err.println("jhtrace check: " + Terminal.printable(e.getMessage()));
            return 2;
        }
    }

    private static int check(List<String> args, PrintStream out, PrintStream err) throws BadInput {
        long max = 0;
        Suppressions suppress = Suppressions.NONE;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--max" -> max = limit(value(args, ++i, a));
                case "--suppress" -> suppress = suppressions(value(args, ++i, a));
                case "--frameworks" -> LeakSites.addFrameworks(frameworks(value(args, ++i, a)));
                default -> {
                    if (a.startsWith("--")) {
                        throw new BadInput("unknown option '" + a + "' (expected --max N, --suppress FILE or"
                                + " --frameworks a.b.:c.d.)");
                    }
                    inputs.add(Paths.get(a));
                }
            }
        }
        if (inputs.isEmpty()) {
            throw new BadInput("no report given (jhtrace check REPORT.json|DIR [--max N] [--suppress FILE])");
        }
        List<Path> reports = new ArrayList<>();
        java.util.Set<Path> named = new java.util.HashSet<>();
        for (Path p : inputs) {
            reports.addAll(reportsIn(p));
            if (!Files.isDirectory(p)) {
                named.add(p);
            }
        }
        List<HandleView> open = new ArrayList<>();
        List<HandleView> reclaimed = new ArrayList<>();
        Map<String, TreeSet<String>> reportsBySite = new TreeMap<>();
        int suppressed = 0;
        int incomplete = 0;
        int leaking = 0;
        int read = 0;
        for (Path report : reports) {
            JsonReportReader.Leaks leaks;
            try {
                leaks = read(report);
            } catch (NotAReport other) {
                if (named.contains(report)) {
                    throw other;
                }
                err.println("jhtrace check: skipped " + Terminal.printable(other.getMessage()));
                continue;
            }
            read++;
            incomplete += leaks.dropped() > 0 || leaks.lost() > 0 ? 1 : 0;
            suppressed += (int) leaks.suppressed();
            int before = open.size() + reclaimed.size();
            for (int pass = 0; pass < 2; pass++) {
                for (HandleView h : pass == 0 ? leaks.open() : leaks.reclaimed()) {
                    if (suppress.suppresses(h.description(), h.stack())) {
                        suppressed++;
                        continue;
                    }
                    (pass == 0 ? open : reclaimed).add(h);
                    reportsBySite
                            .computeIfAbsent(LeakSites.siteOf(h.stack()), k -> new TreeSet<>())
                            .add(report.toString());
                }
            }
            leaking += open.size() + reclaimed.size() > before ? 1 : 0;
        }
        if (read == 0) {
            throw new BadInput("no jhtrace report among the " + reports.size() + " JSON file(s) given");
        }
        List<LeakSites.Site> sites = LeakSites.of(open, reclaimed);
        long leaks = open.size() + reclaimed.size();
        boolean failed = leaks > max;
        out.println("jhtrace check: " + leaks + " leak(s) (" + open.size() + " open at exit, " + reclaimed.size()
                + " reclaimed by the GC) at " + sites.size() + " site(s) in " + leaking + " of " + read
                + " report(s); " + max + " allowed: " + (failed ? "FAILED" : "OK"));
        for (LeakSites.Site s : sites) {
            TreeSet<String> in = reportsBySite.getOrDefault(s.site(), new TreeSet<>());
            out.println(String.format(Locale.ROOT, "  %8d open %6d reclaimed  ", s.count(), s.reclaimed())
                    + String.join(",", s.kinds()) + "  " + Terminal.printable(s.site())
                    + (s.stacks() > 1 ? " (" + s.stacks() + " stacks)" : "") + "  in " + in.size() + " report(s), "
                    + Terminal.printable(in.first()) + (in.size() > 1 ? ", ..." : ""));
        }
        if (suppressed > 0) {
            out.println("  " + suppressed + " leak(s) suppressed");
        }
        if (incomplete > 0) {
            err.println("jhtrace check: " + incomplete + " report(s) dropped events or could not vouch for some open"
                    + " handles: their leaks may be more than listed (see their stats)");
        }
        return failed ? 1 : 0;
    }

    private static List<String> frameworks(String value) throws BadInput {
        try {
            return LeakSites.parseFrameworks(value);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--frameworks " + value + ": " + e.getMessage());
        }
    }

    private static String value(List<String> args, int i, String option) throws BadInput {
        if (i >= args.size()) {
            throw new BadInput(option + " needs a value");
        }
        return args.get(i);
    }

    private static long limit(String v) throws BadInput {
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadInput("--max needs a number of leaks, 0 or more: '" + v + "'");
        }
    }

    private static Suppressions suppressions(String file) throws BadInput {
        try {
            return Suppressions.read(Paths.get(file));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            throw new BadInput("cannot read the suppression file " + file + ": " + why);
        }
    }

    /**
     * @return whether a file in a directory is a shutdown report: {@code *.json}, but not the reports written while a
     *     program ran ({@code .threshold.json}, {@code .emfile.json}), whose leaks its shutdown report has again
     */
    private static boolean isShutdownReport(String name) {
        return name.endsWith(".json") && !name.endsWith(".threshold.json") && !name.endsWith(".emfile.json");
    }

    /** @return the report itself, or a directory's shutdown reports, sorted */
    private static List<Path> reportsIn(Path p) throws BadInput {
        if (Files.isDirectory(p)) {
            List<Path> found;
            try (Stream<Path> s = Files.walk(p, MAX_DIRECTORY_DEPTH)) {
                found = s.filter(f -> isShutdownReport(f.getFileName().toString()) && Files.isRegularFile(f))
                        .sorted()
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new BadInput("cannot list " + p + ": " + e.getMessage());
            }
            if (found.isEmpty()) {
                throw new BadInput("no JSON report in " + p + " (the agent writes them with" + " report=" + p
                        + "/leaks-%p.json; check reads JSON, not text or HTML)");
            }
            return found;
        }
        if (!Files.exists(p)) {
            throw new BadInput("no such file or directory: " + p);
        }
        if (!Files.isRegularFile(p)) {
            throw new BadInput("not a regular file: " + p); // a FIFO would block, a device never end
        }
        return List.of(p);
    }

    private static JsonReportReader.Leaks read(Path report) throws BadInput {
        try {
            if (Files.size(report) > MAX_REPORT_BYTES) {
                throw new BadInput(report + ": larger than " + (MAX_REPORT_BYTES >> 20) + " MiB");
            }
            return JsonReportReader.read(Files.readString(report, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInput("cannot read " + report + ": " + e);
        } catch (JsonReader.Malformed e) {
            throw new BadInput(report + " is not JSON: " + e.getMessage());
        } catch (JsonReportReader.NotAReport e) {
            throw new NotAReport(report + " is " + e.getMessage());
        }
    }
}
