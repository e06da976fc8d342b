package io.meshflow.job.graph;

import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.time.Granularity;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The rows a picture merges: buckets of one granularity whose start is in {@code [from, to)}. */
public record Window(Granularity granularity, Instant from, Instant to) {

    /** The default window's length: the last hour of data. */
    public static final Duration DEFAULT_LENGTH = Duration.ofHours(1);

    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    public Window {
        if (!from.isBefore(to)) {
            throw new InvalidOptionException(
                    "the window is empty: --from " + from + " is not before --to " + to);
        }
    }

    /**
     * The coarsest granularity whose buckets tile {@code [from, to)} exactly: fewer buckets merge,
     * and with one bucket the p99 is exact rather than the largest of several.
     */
    public static Granularity coarsestTiling(Instant from, Instant to) {
        for (Granularity g : new Granularity[] {Granularity.DAY, Granularity.HOUR}) {
            if (from.toEpochMilli() % g.sizeMs() == 0 && to.toEpochMilli() % g.sizeMs() == 0) {
                return g;
            }
        }
        return Granularity.MINUTE;
    }

    /**
     * A time of the command line: an ISO-8601 instant ({@code 2026-01-01T10:00:00Z}), a UTC local
     * time ({@code 2026-01-01T10:00}) or a date; a date in {@code --to} means the end of that day.
     */
    public static Instant parseTime(String option, String text, boolean end) {
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidOptionException(
                    "invalid value '"
                            + text
                            + "' for --"
                            + option
                            + ": expected an ISO-8601 UTC time such as 2026-01-01T10:00:00Z, or a"
                            + " date such as 2026-01-01");
        }
    }

    /** The granularity named on the command line. */
    public static Granularity parseGranularity(String text) {
        for (Granularity g : Granularity.values()) {
            if (g.columnValue().equals(text)) {
                return g;
            }
        }
        throw new InvalidOptionException(
                "invalid value '" + text + "' for --granularity: expected minute, hour or day");
    }

    /** How many buckets of the granularity the window spans. */
    public long buckets() {
        long size = granularity.sizeMs();
        long first = Math.floorDiv(from.toEpochMilli() + size - 1, size);
        long last = Math.floorDiv(to.toEpochMilli() - 1, size);
        return Math.max(0, last - first + 1);
    }

    /** For titles: {@code 2026-01-01 10:00 – 11:00 UTC (60 minute buckets)}. */
    public String describe() {
        String start = SHOWN.format(from);
        String end = SHOWN.format(to);
        if (end.substring(0, 10).equals(start.substring(0, 10))) {
            end = end.substring(11);
        }
        long n = buckets();
        return start
                + " – "
                + end
                + " UTC ("
                + n
                + " "
                + granularity.columnValue()
                + (n == 1 ? " bucket)" : " buckets)");
    }
}
