package io.meshflow.sink;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prepared upsert of each output table and how a row binds to it. Values are always bound as
 * parameters, never spliced into SQL, so names with quotes, semicolons or any letters are stored
 * verbatim.
 */
public final class RowStatements {

    static final List<String> METRIC_COLUMNS =
            List.of(
                    "calls",
                    "errors",
                    "latency_sum_ms",
                    "latency_max_ms",
                    "p50_ms",
                    "p75_ms",
                    "p90_ms",
                    "p95_ms",
                    "p99_ms",
                    "apdex",
                    "status_2xx",
                    "status_3xx",
                    "status_4xx",
                    "status_5xx",
                    "status_other");

    static final List<String> DEAD_LETTER_COLUMNS =
            List.of("id", "received_at", "origin", "reason", "payload");

    private RowStatements() {}

    public static List<String> keyColumns(Table table) {
        return switch (table) {
            case SERVICE_METRICS -> List.of("granularity", "bucket_start", "service");
            case INSTANCE_METRICS -> List.of("granularity", "bucket_start", "service", "instance");
            case ENDPOINT_METRICS -> List.of("granularity", "bucket_start", "service", "endpoint");
            case SERVICE_EDGES ->
                    List.of("granularity", "bucket_start", "source_service", "dest_service");
            case INSTANCE_EDGES ->
                    List.of(
                            "granularity",
                            "bucket_start",
                            "source_service",
                            "source_instance",
                            "dest_service",
                            "dest_instance");
            case PIPELINE_STATS -> List.of("granularity", "bucket_start");
            case SERVICES -> List.of("service");
        };
    }

    public static List<String> valueColumns(Table table) {
        List<String> columns = new ArrayList<>();
        switch (table) {
            case SERVICE_METRICS, INSTANCE_METRICS, ENDPOINT_METRICS ->
                    columns.addAll(METRIC_COLUMNS);
            case SERVICE_EDGES -> {
                columns.addAll(METRIC_COLUMNS);
                columns.addAll(
                        List.of(
                                "paired_calls",
                                "client_only_calls",
                                "server_only_calls",
                                "server_retries",
                                "mtls_calls",
                                "client_latency_sum_ms",
                                "server_latency_sum_ms",
                                "overhead_avg_ms"));
            }
            case INSTANCE_EDGES -> {
                columns.addAll(METRIC_COLUMNS);
                columns.add("paired_calls");
            }
            case PIPELINE_STATS ->
                    columns.addAll(
                            List.of(
                                    "sides",
                                    "duplicate_sides",
                                    "late_sides",
                                    "paired_calls",
                                    "client_only_calls",
                                    "server_only_calls"));
            case SERVICES -> columns.addAll(List.of("kind", "first_seen", "last_seen"));
        }
        return columns;
    }

    /** The upsert of {@code table}'s rows. */
    public static String upsertSql(Dialect dialect, Table table) {
        Map<String, String> merges = Map.of();
        if (table == Table.SERVICES) {
            // services has one row per service over all time: each minute's row merges into it.
            merges =
                    Map.of(
                            "kind",
                                    "CASE WHEN services.kind = 'mesh' OR excluded.kind = 'mesh' THEN 'mesh'"
                                            + " WHEN services.kind = 'external' OR excluded.kind = 'external' THEN 'external'"
                                            + " ELSE excluded.kind END",
                            "first_seen",
                                    dialect.least("services.first_seen", "excluded.first_seen"),
                            "last_seen",
                                    dialect.greatest("services.last_seen", "excluded.last_seen"));
        }
        return dialect.upsert(table.sqlName(), keyColumns(table), valueColumns(table), merges);
    }

    /** Binds a row of {@code table} to {@link #upsertSql}. */
    public static JdbcStatementBuilder<MetricRecord> binder(Dialect dialect, Table table) {
        return (ps, row) -> bind(ps, dialect, table, row);
    }

    static void bind(PreparedStatement ps, Dialect dialect, Table table, MetricRecord row)
            throws SQLException {
        MetricKey k = row.key;
        MetricsAccumulator m = row.metrics;
        int i = 1;
        if (table != Table.SERVICES) {
            ps.setString(i++, k.granularity.columnValue());
            dialect.setTimestamp(ps, i++, k.bucketStart);
        }
        switch (table) {
            case SERVICE_METRICS -> ps.setString(i++, k.name1);
            case INSTANCE_METRICS, ENDPOINT_METRICS, SERVICE_EDGES -> {
                ps.setString(i++, k.name1);
                ps.setString(i++, k.name2);
            }
            case INSTANCE_EDGES -> {
                ps.setString(i++, k.name1);
                ps.setString(i++, k.name2);
                ps.setString(i++, k.name3);
                ps.setString(i++, k.name4);
            }
            case SERVICES -> {
                ps.setString(i++, k.name1);
                ps.setString(i++, m.kind().columnValue());
                dialect.setTimestamp(ps, i++, m.firstSeen);
                dialect.setTimestamp(ps, i++, m.lastSeen);
            }
            case PIPELINE_STATS -> {
                ps.setLong(i++, m.sides);
                ps.setLong(i++, m.duplicateSides);
                ps.setLong(i++, m.lateSides);
                ps.setLong(i++, m.pairedCalls);
                ps.setLong(i++, m.clientOnlyCalls);
                ps.setLong(i++, m.serverOnlyCalls);
            }
        }
        if (table == Table.SERVICES || table == Table.PIPELINE_STATS) {
            return;
        }
        i = bindMetrics(ps, i, m);
        if (table == Table.SERVICE_EDGES) {
            ps.setLong(i++, m.pairedCalls);
            ps.setLong(i++, m.clientOnlyCalls);
            ps.setLong(i++, m.serverOnlyCalls);
            ps.setLong(i++, m.serverRetries);
            ps.setLong(i++, m.mtlsCalls);
            ps.setLong(i++, m.clientLatencySumMs);
            ps.setLong(i++, m.serverLatencySumMs);
            setNullableDouble(ps, i, m.overheadAvgMs());
        } else if (table == Table.INSTANCE_EDGES) {
            ps.setLong(i, m.pairedCalls);
        }
    }

    private static int bindMetrics(PreparedStatement ps, int i, MetricsAccumulator m)
            throws SQLException {
        ps.setLong(i++, m.calls);
        ps.setLong(i++, m.errors);
        ps.setLong(i++, m.latencySumMs);
        ps.setLong(i++, m.latencyMaxMs);
        ps.setLong(i++, m.percentileMs(50));
        ps.setLong(i++, m.percentileMs(75));
        ps.setLong(i++, m.percentileMs(90));
        ps.setLong(i++, m.percentileMs(95));
        ps.setLong(i++, m.percentileMs(99));
        setNullableDouble(ps, i++, m.apdex());
        ps.setLong(i++, m.status2xx);
        ps.setLong(i++, m.status3xx);
        ps.setLong(i++, m.status4xx);
        ps.setLong(i++, m.status5xx);
        ps.setLong(i++, m.statusOther);
        return i;
    }

    private static void setNullableDouble(PreparedStatement ps, int i, Double value)
            throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, value);
        }
    }

    public static String deadLetterSql(Dialect dialect) {
        return dialect.insertOnce("dead_letters", "id", DEAD_LETTER_COLUMNS);
    }

    public static JdbcStatementBuilder<DeadLetter> deadLetterBinder(Dialect dialect) {
        return (ps, d) -> {
            ps.setString(1, d.id);
            dialect.setTimestamp(ps, 2, d.receivedAt);
            ps.setString(3, d.origin);
            ps.setString(4, d.reason);
            ps.setBytes(5, d.payload);
        };
    }
}
