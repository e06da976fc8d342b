package io.meshflow.sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What differs between the two supported databases: timestamps, a few functions, the schema file
 * (generated from {@link OutputTables}, with the column types of {@link SqlType}).
 */
public enum Dialect {
    POSTGRES("GREATEST", "LEAST", "schema-postgres.sql"),
    SQLITE("MAX", "MIN", "schema-sqlite.sql");

    private static final DateTimeFormatter SQLITE_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private final String greatest;
    private final String least;
    private final String schemaFile;

    Dialect(String greatest, String least, String schemaFile) {
        this.greatest = greatest;
        this.least = least;
        this.schemaFile = schemaFile;
    }

    /** The dialect of a JDBC URL, or an IllegalArgumentException naming the supported ones. */
    public static Dialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        throw new IllegalArgumentException(
                "unsupported database URL '"
                        + jdbcUrl
                        + "': use jdbc:postgresql://host/db or jdbc:sqlite:file.db");
    }

    public String driverClass() {
        return this == POSTGRES ? "org.postgresql.Driver" : "org.sqlite.JDBC";
    }

    /** The name of the file in sql/ with this database's schema, generated from OutputTables. */
    public String schemaFile() {
        return schemaFile;
    }

    /** UTC timestamps: PostgreSQL TIMESTAMP, SQLite text 'YYYY-MM-DD HH:MM:SS' (SPEC 4). */
    public void setTimestamp(PreparedStatement ps, int index, long epochMs) throws SQLException {
        if (this == POSTGRES) {
            ps.setObject(
                    index, LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC));
        } else {
            ps.setString(index, SQLITE_TIMESTAMP.format(Instant.ofEpochMilli(epochMs)));
        }
    }

    public String greatest(String a, String b) {
        return greatest + "(" + a + ", " + b + ")";
    }

    public String least(String a, String b) {
        return least + "(" + a + ", " + b + ")";
    }

    /**
     * INSERT ... ON CONFLICT (key) DO UPDATE: both databases speak it. Every value column is
     * overwritten with the new row, unless {@code merges} gives another expression for it.
     */
    public String upsert(
            String table,
            List<String> keyColumns,
            List<String> valueColumns,
            java.util.Map<String, String> merges) {
        List<String> all = new java.util.ArrayList<>(keyColumns);
        all.addAll(valueColumns);
        String placeholders = all.stream().map(c -> "?").collect(Collectors.joining(", "));
        String updates =
                valueColumns.stream()
                        .map(c -> c + " = " + merges.getOrDefault(c, "excluded." + c))
                        .collect(Collectors.joining(", "));
        return "INSERT INTO "
                + table
                + " ("
                + String.join(", ", all)
                + ") VALUES ("
                + placeholders
                + ")"
                + " ON CONFLICT ("
                + String.join(", ", keyColumns)
                + ") DO UPDATE SET "
                + updates;
    }

    /**
     * INSERT that keeps the first row of a key: for rows that never change, such as dead letters.
     */
    public String insertOnce(String table, List<String> keyColumns, List<String> columns) {
        String placeholders = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        return "INSERT INTO "
                + table
                + " ("
                + String.join(", ", columns)
                + ") VALUES ("
                + placeholders
                + ")"
                + " ON CONFLICT ("
                + String.join(", ", keyColumns)
                + ") DO NOTHING";
    }
}
