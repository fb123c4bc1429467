package dev.jhtrace.agent.report;

/**
 * A time as {@code Instant.ofEpochMilli(t).toString()} writes it ({@code 2026-12-04T01:50:38.173Z}, the fraction left
 * out when it is zero), without {@code java.time}'s formatter.
 *
 * <p>Why: {@code Instant.toString} goes through {@code DateTimeFormatter.ISO_INSTANT}, whose classes and lambdas cost
 * 10 ms of the first report, and most JVMs write one report, at exit. Years outside 0-9999 (which the formatter
 * writes with a sign) are left to it.
 */
public final class IsoTime {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private IsoTime() {}

    /**
     * @param epochMillis milliseconds since 1970-01-01T00:00:00Z
     * @return the time in ISO-8601, UTC
     */
    public static String of(long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int ofDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // days to a civil date (proleptic Gregorian), by eras of 400 years
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return java.time.Instant.ofEpochMilli(epochMillis).toString();
        }
        StringBuilder sb = new StringBuilder(24);
        pad(sb, (int) year, 4);
        sb.append('-');
        pad(sb, month, 2);
        sb.append('-');
        pad(sb, day, 2);
        sb.append('T');
        pad(sb, ofDay / 3_600_000, 2);
        sb.append(':');
        pad(sb, ofDay / 60_000 % 60, 2);
        sb.append(':');
        pad(sb, ofDay / 1000 % 60, 2);
        if (ofDay % 1000 != 0) {
            sb.append('.');
            pad(sb, ofDay % 1000, 3);
        }
        return sb.append('Z').toString();
    }

    private static void pad(StringBuilder sb, int value, int digits) {
        for (int limit = 10, d = 1; d < digits; d++, limit *= 10) {
            if (value < limit) {
                sb.append('0');
            }
        }
        sb.append(value);
    }
}
