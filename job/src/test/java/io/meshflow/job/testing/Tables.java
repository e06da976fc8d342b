package io.meshflow.job.testing;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Whole result tables as comparable text, to check one run's tables equal another's. */
public final class Tables {
    public static final List<String> ALL =
            List.of(
                    "service_metrics",
                    "instance_metrics",
                    "endpoint_metrics",
                    "service_edges",
                    "instance_edges",
                    "services",
                    "pipeline_stats");

    private Tables() {}

    /** The rows only one of two snapshots has, per table: what a failed comparison should show. */
    public static String difference(
            Map<String, List<String>> expected, Map<String, List<String>> actual) {
        StringBuilder out = new StringBuilder();
        for (String table : ALL) {
            List<String> missing = new ArrayList<>(expected.getOrDefault(table, List.of()));
            missing.removeAll(actual.getOrDefault(table, List.of()));
            List<String> extra = new ArrayList<>(actual.getOrDefault(table, List.of()));
            extra.removeAll(expected.getOrDefault(table, List.of()));
            missing.stream()
                    .limit(5)
                    .forEach(r -> out.append(table).append(" missing: ").append(r).append('\n'));
            extra.stream()
                    .limit(5)
                    .forEach(r -> out.append(table).append(" unexpected: ").append(r).append('\n'));
            if (missing.size() + extra.size() > 0) {
                out.append(table)
                        .append(": ")
                        .append(missing.size())
                        .append(" missing, ")
                        .append(extra.size())
                        .append(" unexpected\n");
            }
        }
        return out.toString();
    }

    /**
     * Every row of every results table, sorted, as text; rows in buckets from {@code before} on,
     * and services named in {@code excludedServices}, are left out.
     */
    public static Map<String, List<String>> snapshot(
            String jdbcUrl, String before, List<String> excludedServices) throws SQLException {
        Map<String, List<String>> tables = new TreeMap<>();
        for (String table : ALL) {
            List<String> rows = new ArrayList<>();
            for (Map<String, Object> row : Rows.query(jdbcUrl, "SELECT * FROM " + table)) {
                Object bucket = row.get("bucket_start");
                if (bucket != null && ((String) bucket).compareTo(before) >= 0) {
                    continue;
                }
                if (table.equals("services")
                        && excludedServices.contains((String) row.get("service"))) {
                    continue;
                }
                rows.add(row.toString());
            }
            rows.sort(null);
            tables.put(table, rows);
        }
        return tables;
    }
}
