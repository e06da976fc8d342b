package io.meshflow.job.testing;

import io.meshflow.sink.OutputTable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads result tables the same way from PostgreSQL and SQLite: integers as Long, reals as Double,
 * timestamps as 'YYYY-MM-DD HH:MM:SS' text, so one expectation fits both databases. A row's {@code
 * merge_state} is left out: it encodes the row's other columns (which are compared), and its bytes
 * depend on how the histogram grew.
 */
public final class Rows {
    private static final DateTimeFormatter TEXT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Rows() {}

    public static List<Map<String, Object>> query(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnLabel(i).toLowerCase();
                    if (!column.equals(OutputTable.MERGE_STATE)) {
                        row.put(column, normalize(rs.getObject(i)));
                    }
                }
                rows.add(row);
            }
            return rows;
        }
    }

    public static long count(String jdbcUrl, String sql) throws SQLException {
        return ((Number) query(jdbcUrl, sql).get(0).values().iterator().next()).longValue();
    }

    private static Object normalize(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float
                || value instanceof Double
                || value instanceof java.math.BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime().format(TEXT);
        }
        return value;
    }
}
