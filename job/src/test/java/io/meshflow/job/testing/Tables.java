package io.meshflow.job.testing;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Whole result tables as comparable text, to check one run's tables equal another's. */
public final class Tables {
    public static final List<String> ALL = List.of("service_metrics", "instance_metrics", "endpoint_metrics",
            "service_edges", "instance_edges", "services", "pipeline_stats");

    private Tables() {}

    /**
     * Every row of every results table, sorted, as text; rows in buckets from {@code before} on, and services
     * named in {@code excludedServices}, are left out.
     */
    public static Map<String, List<String>> snapshot(String jdbcUrl, String before, List<String> excludedServices)
            throws SQLException {
        Map<String, List<String>> tables = new TreeMap<>();
        for (String table : ALL) {
            List<String> rows = new ArrayList<>();
            for (Map<String, Object> row : Rows.query(jdbcUrl, "SELECT * FROM " + table)) {
                Object bucket = row.get("bucket_start");
                if (bucket != null && ((String) bucket).compareTo(before) >= 0) {
                    continue;
                }
                if (table.equals("services") && excludedServices.contains((String) row.get("service"))) {
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
