package io.meshflow.sink;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.ServiceKind;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upsert of every table in both dialects: well formed, keyed on the table's primary key, in
 * step with the schema files in ../sql, and bound in the order its columns are named. Executing it
 * needs a JDBC driver, which only the job module has: its ITCases run these statements against
 * SQLite and PostgreSQL.
 */
class RowStatementsTest {
    private static final Pattern UPSERT =
            Pattern.compile(
                    "INSERT INTO (\\w+) \\(([^)]*)\\) VALUES \\(([^)]*)\\) ON CONFLICT \\(([^)]*)\\) DO UPDATE SET (.+)");
    private static final Pattern INSERT_ONCE =
            Pattern.compile(
                    "INSERT INTO (\\w+) \\(([^)]*)\\) VALUES \\(([^)]*)\\) ON CONFLICT \\(([^)]*)\\) DO NOTHING");
    private static final Pattern CREATE_TABLE =
            Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+) \\((.*?)\\n\\);", Pattern.DOTALL);

    static Stream<Arguments> tablesAndDialects() {
        return Arrays.stream(Table.values())
                .flatMap(t -> Arrays.stream(Dialect.values()).map(d -> Arguments.of(t, d)));
    }

    /** Every table but services, whose one row per service merges instead. */
    static Stream<Arguments> tablesWithBucketsAndDialects() {
        return tablesAndDialects().filter(a -> a.get()[0] != Table.SERVICES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tablesAndDialects")
    void upsertNamesEveryKeyAndValueColumnOnceWithOnePlaceholderEach(Table table, Dialect dialect) {
        Upsert upsert = Upsert.parse(RowStatements.upsertSql(dialect, table));

        List<String> expected = new ArrayList<>(RowStatements.keyColumns(table));
        expected.addAll(RowStatements.valueColumns(table));
        assertThat(upsert.table).isEqualTo(table.sqlName());
        assertThat(upsert.columns).containsExactlyElementsOf(expected).doesNotHaveDuplicates();
        assertThat(upsert.placeholders).hasSameSizeAs(upsert.columns).containsOnly("?");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tablesAndDialects")
    void onConflictUsesExactlyTheKeyColumnsAndUpdatesEveryValueColumnOnce(
            Table table, Dialect dialect) {
        Upsert upsert = Upsert.parse(RowStatements.upsertSql(dialect, table));

        assertThat(upsert.conflictColumns)
                .containsExactlyElementsOf(RowStatements.keyColumns(table));
        assertThat(upsert.updates.keySet())
                .containsExactlyInAnyOrderElementsOf(RowStatements.valueColumns(table))
                .doesNotContainAnyElementsOf(RowStatements.keyColumns(table));
        assertThat(upsert.updateCount).isEqualTo(upsert.updates.size());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tablesWithBucketsAndDialects")
    void bucketRowsOverwriteEveryValueSoAReplayWritesTheSameValues(Table table, Dialect dialect) {
        Upsert upsert = Upsert.parse(RowStatements.upsertSql(dialect, table));
        upsert.updates.forEach(
                (column, value) -> assertThat(value).as(column).isEqualTo("excluded." + column));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void servicesMergeKindFirstSeenAndLastSeenInsteadOfOverwriting(Dialect dialect) {
        Map<String, String> updates =
                Upsert.parse(RowStatements.upsertSql(dialect, Table.SERVICES)).updates;

        String least = dialect == Dialect.POSTGRES ? "LEAST" : "MIN";
        String greatest = dialect == Dialect.POSTGRES ? "GREATEST" : "MAX";
        assertThat(updates.get("first_seen"))
                .isEqualTo(least + "(services.first_seen, excluded.first_seen)");
        assertThat(updates.get("last_seen"))
                .isEqualTo(greatest + "(services.last_seen, excluded.last_seen)");
        assertThat(updates.get("kind"))
                .startsWith(
                        "CASE WHEN services.kind = 'mesh' OR excluded.kind = 'mesh' THEN 'mesh'")
                .contains(
                        "WHEN services.kind = 'external' OR excluded.kind = 'external' THEN 'external'")
                .endsWith("ELSE excluded.kind END");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void deadLettersAreInsertedOnceAndNeverUpdated(Dialect dialect) {
        String sql = RowStatements.deadLetterSql(dialect);
        Matcher m = INSERT_ONCE.matcher(sql);

        assertThat(m.matches()).as(sql).isTrue();
        assertThat(m.group(1)).isEqualTo("dead_letters");
        assertThat(list(m.group(2)))
                .containsExactly("id", "received_at", "origin", "reason", "payload");
        assertThat(list(m.group(3))).hasSize(5).containsOnly("?");
        assertThat(list(m.group(4))).containsExactly("id");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tablesAndDialects")
    void statementsUseExactlyTheColumnsOfTheSchemaFile(Table table, Dialect dialect)
            throws IOException {
        SchemaTable schema = schema(dialect).get(table.sqlName());
        assertThat(schema)
                .as("CREATE TABLE %s in %s", table.sqlName(), dialect.schemaResource())
                .isNotNull();

        Upsert upsert = Upsert.parse(RowStatements.upsertSql(dialect, table));
        assertThat(schema.columns)
                .as("columns of %s", table.sqlName())
                .containsExactlyInAnyOrderElementsOf(upsert.columns);
        assertThat(schema.primaryKey)
                .as("ON CONFLICT needs the primary key")
                .containsExactlyElementsOf(upsert.conflictColumns);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void deadLettersUseExactlyTheColumnsOfTheSchemaFile(Dialect dialect) throws IOException {
        SchemaTable schema = schema(dialect).get("dead_letters");
        Matcher m = INSERT_ONCE.matcher(RowStatements.deadLetterSql(dialect));
        assertThat(m.matches()).isTrue();

        assertThat(schema.columns).containsExactlyInAnyOrderElementsOf(list(m.group(2)));
        assertThat(schema.primaryKey).containsExactly("id");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void bothSchemaFilesHaveATableForEveryTableAndDeadLetters(Dialect dialect) throws IOException {
        List<String> expected =
                new ArrayList<>(Arrays.stream(Table.values()).map(Table::sqlName).toList());
        expected.add("dead_letters");
        assertThat(schema(dialect).keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tablesAndDialects")
    void eachColumnIsBoundToItsOwnValue(Table table, Dialect dialect) throws Exception {
        Upsert upsert = Upsert.parse(RowStatements.upsertSql(dialect, table));
        MetricRecord row = fullRow(table);

        Map<Integer, Object> bound = bind(dialect, table, row);

        assertThat(bound.keySet())
                .as("every placeholder bound once")
                .containsExactlyElementsOf(indices(upsert.columns.size()));
        Map<String, Object> expected = expectedValues(dialect, row.metrics);
        for (int i = 0; i < upsert.columns.size(); i++) {
            String column = upsert.columns.get(i);
            Object value = bound.get(i + 1);
            if (RowStatements.keyColumns(table).contains(column) && !expected.containsKey(column)) {
                // name columns: the test key carries each column's own name as its value
                assertThat(value).as(column).isEqualTo(column);
            } else {
                assertThat(expected).as("an expectation for %s", column).containsKey(column);
                assertThat(value).as(column).isEqualTo(expected.get(column));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRowWithoutCallsBindsNullApdexAndNullOverhead(Dialect dialect) throws Exception {
        MetricsAccumulator retriesOnly = new MetricsAccumulator();
        retriesOnly.serverRetries = 2;
        MetricRecord row =
                new MetricRecord(
                        new MetricKey(Table.SERVICE_EDGES, Granularity.HOUR, T0, "A", "B", "", ""),
                        retriesOnly);
        List<String> columns =
                Upsert.parse(RowStatements.upsertSql(dialect, Table.SERVICE_EDGES)).columns;

        Map<Integer, Object> bound = bind(dialect, Table.SERVICE_EDGES, row);

        assertThat(bound.get(columns.indexOf("apdex") + 1)).isEqualTo(NULL);
        assertThat(bound.get(columns.indexOf("overhead_avg_ms") + 1)).isEqualTo(NULL);
        assertThat(bound.get(columns.indexOf("p99_ms") + 1)).as("NOT NULL column").isEqualTo(0L);
        assertThat(bound.get(columns.indexOf("server_retries") + 1)).isEqualTo(2L);
        assertThat(bound.get(columns.indexOf("granularity") + 1)).isEqualTo("hour");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void deadLettersBindTheirFiveColumnsInOrder(Dialect dialect) throws Exception {
        byte[] payload = {1, 2, 3};
        DeadLetter letter = new DeadLetter("topic/0/7", T0, "topic/0/7", "undecodable", payload);
        Recorder recorder = new Recorder();

        RowStatements.deadLetterBinder(dialect).accept(recorder.statement(), letter);

        assertThat(recorder.bound).containsOnlyKeys(1, 2, 3, 4, 5);
        assertThat(recorder.bound.get(1)).isEqualTo("topic/0/7");
        assertThat(recorder.bound.get(2)).isEqualTo(timestamp(dialect, 2026, 1, 1, 10, 0, 0));
        assertThat(recorder.bound.get(3)).isEqualTo("topic/0/7");
        assertThat(recorder.bound.get(4)).isEqualTo("undecodable");
        assertThat(recorder.bound.get(5)).isEqualTo(payload);
    }

    @Test
    void dialectFollowsTheJdbcUrl() {
        assertThat(Dialect.forUrl("jdbc:postgresql://db:5432/meshflow"))
                .isEqualTo(Dialect.POSTGRES);
        assertThat(Dialect.forUrl("jdbc:sqlite:meshflow.db")).isEqualTo(Dialect.SQLITE);
        assertThat(Dialect.POSTGRES.schemaResource()).isEqualTo("schema-postgres.sql");
        assertThat(Dialect.SQLITE.schemaResource()).isEqualTo("schema-sqlite.sql");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** What a NULL binds to in {@link Recorder}. */
    private static final String NULL = "<NULL>";

    /** A row whose counters all differ, so that binding two columns in each other's place shows. */
    private static MetricRecord fullRow(Table table) {
        List<String> names = new ArrayList<>(RowStatements.keyColumns(table));
        names.removeAll(List.of("granularity", "bucket_start"));
        while (names.size() < 4) {
            names.add("");
        }
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
        m.seen(T0 + 1_000, ServiceKind.EXTERNAL);
        m.seen(T0 + 3_661_000, ServiceKind.MESH);
        return new MetricRecord(
                new MetricKey(
                        table,
                        Granularity.MINUTE,
                        T0,
                        names.get(0),
                        names.get(1),
                        names.get(2),
                        names.get(3)),
                m);
    }

    /** The value each non-name column must be bound to for {@link #fullRow}. */
    private static Map<String, Object> expectedValues(Dialect dialect, MetricsAccumulator m) {
        Map<String, Object> v = new HashMap<>();
        v.put("granularity", "minute");
        v.put("bucket_start", timestamp(dialect, 2026, 1, 1, 10, 0, 0));
        v.put("calls", 100L);
        v.put("errors", 10L);
        v.put("latency_sum_ms", 3L * 5050);
        v.put("latency_max_ms", 300L);
        v.put("p50_ms", 150L);
        v.put("p75_ms", 225L);
        v.put("p90_ms", m.percentileMs(90));
        v.put("p95_ms", m.percentileMs(95));
        v.put("p99_ms", m.percentileMs(99));
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
        v.put("kind", "mesh");
        v.put("first_seen", timestamp(dialect, 2026, 1, 1, 10, 0, 1));
        v.put("last_seen", timestamp(dialect, 2026, 1, 1, 11, 1, 1));
        return v;
    }

    private static Object timestamp(Dialect dialect, int y, int mo, int d, int h, int mi, int s) {
        LocalDateTime t = LocalDateTime.of(y, mo, d, h, mi, s);
        return dialect == Dialect.POSTGRES
                ? t
                : String.format("%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
    }

    private static Map<Integer, Object> bind(Dialect dialect, Table table, MetricRecord row)
            throws Exception {
        Recorder recorder = new Recorder();
        RowStatements.binder(dialect, table).accept(recorder.statement(), row);
        return recorder.bound;
    }

    private static List<Integer> indices(int n) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            indices.add(i);
        }
        return indices;
    }

    /**
     * A PreparedStatement that only remembers what was bound to each parameter (a hand-written
     * fake: the udfs module has no JDBC driver). Binding a parameter twice, or calling anything but
     * a setter, fails.
     */
    private static final class Recorder {
        final Map<Integer, Object> bound = new TreeMap<>();

        PreparedStatement statement() {
            return (PreparedStatement)
                    Proxy.newProxyInstance(
                            getClass().getClassLoader(),
                            new Class<?>[] {PreparedStatement.class},
                            (proxy, method, args) -> {
                                String name = method.getName();
                                if (!name.startsWith("set")
                                        || args == null
                                        || !(args[0] instanceof Integer index)) {
                                    throw new UnsupportedOperationException(name);
                                }
                                Object value = name.equals("setNull") ? NULL : args[1];
                                assertThat(bound.put(index, value))
                                        .as("parameter %s bound twice", index)
                                        .isNull();
                                return null;
                            });
        }
    }

    /** An upsert statement taken apart. */
    private record Upsert(
            String table,
            List<String> columns,
            List<String> placeholders,
            List<String> conflictColumns,
            Map<String, String> updates,
            int updateCount) {
        static Upsert parse(String sql) {
            Matcher m = UPSERT.matcher(sql);
            assertThat(m.matches()).as("an upsert: %s", sql).isTrue();
            Map<String, String> updates = new LinkedHashMap<>();
            List<String> assignments = splitTopLevel(m.group(5));
            for (String assignment : assignments) {
                int eq = assignment.indexOf(" = ");
                assertThat(eq).as(assignment).isPositive();
                updates.put(
                        assignment.substring(0, eq).strip(), assignment.substring(eq + 3).strip());
            }
            return new Upsert(
                    m.group(1),
                    list(m.group(2)),
                    list(m.group(3)),
                    list(m.group(4)),
                    updates,
                    assignments.size());
        }

        /** Splits on the commas that are not inside parentheses (as in LEAST(a, b)). */
        private static List<String> splitTopLevel(String s) {
            List<String> parts = new ArrayList<>();
            int depth = 0;
            int from = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    parts.add(s.substring(from, i).strip());
                    from = i + 1;
                }
            }
            parts.add(s.substring(from).strip());
            return parts;
        }
    }

    /** A CREATE TABLE of a schema file: its columns and primary key. */
    private record SchemaTable(List<String> columns, List<String> primaryKey) {}

    private static Map<String, SchemaTable> schema(Dialect dialect) throws IOException {
        String sql =
                Files.readString(
                        Path.of("..", "sql", dialect.schemaResource()), StandardCharsets.UTF_8);
        Map<String, SchemaTable> tables = new HashMap<>();
        Matcher m = CREATE_TABLE.matcher(sql);
        while (m.find()) {
            List<String> columns = new ArrayList<>();
            List<String> primaryKey = List.of();
            for (String line : m.group(2).split("\n")) {
                String definition = line.strip();
                if (definition.isEmpty() || definition.startsWith("--")) {
                    continue;
                }
                if (definition.startsWith("PRIMARY KEY")) {
                    primaryKey =
                            list(
                                    definition.substring(
                                            definition.indexOf('(') + 1,
                                            definition.lastIndexOf(')')));
                } else {
                    columns.add(definition.split("\\s+")[0]);
                }
            }
            assertThat(tables.put(m.group(1), new SchemaTable(columns, primaryKey)))
                    .as(m.group(1))
                    .isNull();
        }
        return tables;
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).toList();
    }
}
