package io.meshflow.sink;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.ServiceKind;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows of every output table written through the real statements and binding into a fresh database
 * with the tables {@link OutputTables} creates, and read back: names with quotes, semicolons and
 * any letters stored verbatim, NULL where a mean has nothing to average, an upsert of a key
 * replacing its row, services rows merging, dead letters kept once. Each database runs it in its
 * own subclass.
 */
public abstract class OutputTablesRoundTrip {
    /** The value of every name column: each differs, so a column bound in another's place shows. */
    private static final Map<String, String> NAMES =
            Map.of(
                    "service", "zürich-服务-🚀",
                    "instance", "o'hare \"pod\"; DROP TABLE services; --",
                    "endpoint", "GET:/a\\b?x=1;y='2'",
                    "source_service", "it's; a \"caller\"",
                    "source_instance", "ünïcödé-1",
                    "dest_service", "dest; --",
                    "dest_instance", "d'1");

    private static final DateTimeFormatter TEXT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Connection connection;

    protected abstract Dialect dialect();

    /** A JDBC URL of a new, empty database. */
    protected abstract String newDatabase();

    @BeforeEach
    void createTables() throws SQLException {
        connection = DriverManager.getConnection(newDatabase());
        try (Statement s = connection.createStatement()) {
            for (String ddl : OutputTables.createStatements(dialect())) {
                s.execute(ddl);
            }
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @ParameterizedTest
    @EnumSource(Table.class)
    void everyColumnOfEveryTableReadsBackAsWritten(Table table) throws SQLException {
        write(table, new MetricRecord(key(table), fullMetrics()));

        Map<String, Object> row = single(table.sqlName());
        assertThat(row.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        OutputTables.of(table).columns().stream().map(Column::name).toList());
        row.forEach(
                (column, value) -> {
                    if (column.equals(OutputTable.MERGE_STATE)) {
                        // the whole accumulator: it reads back as the one written
                        MetricsAccumulator state = MergeState.decode((byte[]) value);
                        assertThat(state)
                                .usingRecursiveComparison()
                                .ignoringFields("latencies", "fewLatencies", "fewCount")
                                .isEqualTo(fullMetrics());
                        assertThat(state.latencyHistogram())
                                .isEqualTo(fullMetrics().latencyHistogram());
                    } else {
                        assertThat(value).as(column).isEqualTo(expected(column));
                    }
                });
    }

    @Test
    void aSecondUpsertOfTheSameKeyReplacesTheRowAndMeansOfNothingAreNull() throws SQLException {
        MetricKey key = key(Table.SERVICE_EDGES);
        MetricsAccumulator retriesOnly = new MetricsAccumulator();
        retriesOnly.serverRetries = 2;

        write(Table.SERVICE_EDGES, new MetricRecord(key, fullMetrics()));
        write(Table.SERVICE_EDGES, new MetricRecord(key, retriesOnly));

        Map<String, Object> row = single("service_edges");
        assertThat(row).containsEntry("apdex", null).containsEntry("overhead_avg_ms", null);
        assertThat(row).containsEntry("calls", 0L).containsEntry("p99_ms", 0L);
        assertThat(row).containsEntry("server_retries", 2L).containsEntry("paired_calls", 0L);

        write(Table.SERVICE_EDGES, new MetricRecord(key, fullMetrics()));
        assertThat(single("service_edges"))
                .containsEntry("apdex", 0.9)
                .containsEntry("overhead_avg_ms", 200.0);
    }

    @Test
    void servicesRowsMergeTheMostTellingKindTheFirstAndTheLastSeen() throws SQLException {
        write(Table.SERVICES, seen(ServiceKind.EXTERNAL, T0 + 1_000, T0 + 2_000));
        write(Table.SERVICES, seen(ServiceKind.UNKNOWN, T0 + 500, T0 + 1_500));
        assertThat(single("services"))
                .containsEntry("kind", "external")
                .containsEntry("first_seen", "2026-01-01 10:00:00")
                .containsEntry("last_seen", "2026-01-01 10:00:02");

        write(Table.SERVICES, seen(ServiceKind.MESH, T0 + 3_000, T0 + 3_000));
        write(Table.SERVICES, seen(ServiceKind.EXTERNAL, T0 + 1_000, T0 + 1_000));
        assertThat(single("services"))
                .containsEntry("kind", "mesh")
                .containsEntry("first_seen", "2026-01-01 10:00:00")
                .containsEntry("last_seen", "2026-01-01 10:00:03");
    }

    @Test
    void deadLettersAreKeptWholeAndOnce() throws SQLException {
        byte[] payload = {0, 1, (byte) 0xFF, ';', '\'', 0};
        String reason = "undecodable: 'x'; DROP TABLE dead_letters; -- ü";
        DeadLetter first = new DeadLetter("topic/0/7", T0 + 1_000, "topic/0/7", reason, payload);
        write(first);
        // the same input read again (a replay): the same id, and the row stays as first written
        write(new DeadLetter("topic/0/7", T0 + 9_000, "replay", "late", payload.clone()));

        Map<String, Object> row = single("dead_letters");
        assertThat(row)
                .containsEntry("id", first.id)
                .containsEntry("received_at", "2026-01-01 10:00:01")
                .containsEntry("origin", "topic/0/7")
                .containsEntry("reason", reason);
        assertThat((byte[]) row.get("payload")).containsExactly(payload);
    }

    // ---------------------------------------------------------------------------------------------

    private static MetricKey key(Table table) {
        Granularity g = Granularity.MINUTE;
        return switch (table) {
            case SERVICE_METRICS -> MetricKey.ofServiceMetrics(g, T0, NAMES.get("service"));
            case INSTANCE_METRICS ->
                    MetricKey.ofInstanceMetrics(g, T0, NAMES.get("service"), NAMES.get("instance"));
            case ENDPOINT_METRICS ->
                    MetricKey.ofEndpointMetrics(g, T0, NAMES.get("service"), NAMES.get("endpoint"));
            case SERVICE_EDGES ->
                    MetricKey.ofServiceEdges(
                            g, T0, NAMES.get("source_service"), NAMES.get("dest_service"));
            case INSTANCE_EDGES ->
                    MetricKey.ofInstanceEdges(
                            g,
                            T0,
                            NAMES.get("source_service"),
                            NAMES.get("source_instance"),
                            NAMES.get("dest_service"),
                            NAMES.get("dest_instance"));
            case PIPELINE_STATS -> MetricKey.ofPipelineStats(g, T0);
            case SERVICES -> MetricKey.ofServices(g, T0, NAMES.get("service"));
            case TCP_SERVICE_EDGES ->
                    MetricKey.ofTcpServiceEdges(
                            g, T0, NAMES.get("source_service"), NAMES.get("dest_service"));
            case TCP_INSTANCE_EDGES ->
                    MetricKey.ofTcpInstanceEdges(
                            g,
                            T0,
                            NAMES.get("source_service"),
                            NAMES.get("source_instance"),
                            NAMES.get("dest_service"),
                            NAMES.get("dest_instance"));
        };
    }

    /** Counters that all differ, so that binding two columns in each other's place shows. */
    private static MetricsAccumulator fullMetrics() {
        MetricsAccumulator m = new MetricsAccumulator();
        for (int i = 1; i <= 100; i++) {
            int code = i <= 50 ? 200 : i <= 70 ? 302 : i <= 85 ? 404 : i <= 97 ? 503 : 0;
            m.addCall(3 * i, i % 10 != 0, code, 500);
        }
        m.pairedCalls = 2;
        m.clientOnlyCalls = 4;
        m.serverOnlyCalls = 5;
        m.serverRetries = 6;
        m.mtlsCalls = 7;
        m.clientLatencySumMs = 900;
        m.serverLatencySumMs = 500;
        m.sides = 11;
        m.duplicateSides = 13;
        m.lateSides = 17;
        m.endpointOverflowCalls = 19;
        m.ignoredSpans = 23;
        m.seen(T0 + 1_000, ServiceKind.EXTERNAL);
        m.seen(T0 + 3_661_000, ServiceKind.MESH);
        m.clientConnections = 19;
        m.serverConnections = 23;
        m.failedConnections = 29;
        m.mtlsConnections = 31;
        m.clientSentBytes = 5_000_000_037L;
        m.clientReceivedBytes = 41;
        m.serverSentBytes = 43;
        m.serverReceivedBytes = 47;
        m.durationSumMs = 53;
        m.durationMaxMs = 59;
        return m;
    }

    /** What each column of a {@link #fullMetrics} row reads back as. */
    private static Object expected(String column) {
        if (NAMES.containsKey(column)) {
            return NAMES.get(column);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("granularity", "minute");
        v.put("bucket_start", "2026-01-01 10:00:00");
        v.put("calls", 100L);
        v.put("errors", 10L);
        v.put("latency_sum_ms", 3L * 5050);
        v.put("latency_max_ms", 300L);
        v.put("p50_ms", 150L);
        v.put("p75_ms", 225L);
        v.put("p90_ms", fullMetrics().percentileMs(90));
        v.put("p95_ms", fullMetrics().percentileMs(95));
        v.put("p99_ms", fullMetrics().percentileMs(99));
        v.put("apdex", 0.9);
        v.put("status_2xx", 50L);
        v.put("status_3xx", 20L);
        v.put("status_4xx", 15L);
        v.put("status_5xx", 12L);
        v.put("status_other", 3L);
        v.put("paired_calls", 2L);
        v.put("client_only_calls", 4L);
        v.put("server_only_calls", 5L);
        v.put("server_retries", 6L);
        v.put("mtls_calls", 7L);
        v.put("client_latency_sum_ms", 900L);
        v.put("server_latency_sum_ms", 500L);
        v.put("overhead_avg_ms", 200.0);
        v.put("sides", 11L);
        v.put("duplicate_sides", 13L);
        v.put("late_sides", 17L);
        v.put("endpoint_overflow_calls", 19L);
        v.put("ignored_spans", 23L);
        v.put("kind", "mesh");
        v.put("first_seen", "2026-01-01 10:00:01");
        v.put("last_seen", "2026-01-01 11:01:01");
        v.put("client_connections", 19L);
        v.put("server_connections", 23L);
        v.put("failed_connections", 29L);
        v.put("mtls_connections", 31L);
        v.put("client_sent_bytes", 5_000_000_037L);
        v.put("client_received_bytes", 41L);
        v.put("server_sent_bytes", 43L);
        v.put("server_received_bytes", 47L);
        v.put("duration_sum_ms", 53L);
        v.put("duration_max_ms", 59L);
        assertThat(v).as("an expectation for " + column).containsKey(column);
        return v.get(column);
    }

    private static MetricRecord seen(ServiceKind kind, long first, long last) {
        MetricsAccumulator m = new MetricsAccumulator();
        m.seen(first, kind);
        m.seen(last, kind);
        return new MetricRecord(MetricKey.ofServices(Granularity.MINUTE, T0, "A"), m);
    }

    /**
     * As the job's sink writes a row: in a transaction of its own, through {@link RowBufferWriter}.
     */
    private void write(Table table, MetricRecord row) throws SQLException {
        assertThat(row.key.table).isEqualTo(table);
        RowBuffer buffer = new RowBuffer();
        buffer.add(row);
        new RowBufferWriter(connection, dialect()).write(buffer);
    }

    private void write(DeadLetter deadLetter) throws SQLException {
        RowBuffer buffer = new RowBuffer();
        buffer.add(deadLetter);
        new RowBufferWriter(connection, dialect()).write(buffer);
    }

    /** The one row of {@code table}: integers as Long, reals as Double, timestamps as UTC text. */
    private Map<String, Object> single(String table) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), normalize(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        assertThat(rows).as(table).hasSize(1);
        return rows.get(0);
    }

    private static Object normalize(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof Double) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime().format(TEXT);
        }
        return value;
    }
}
