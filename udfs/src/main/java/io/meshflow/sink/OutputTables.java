package io.meshflow.sink;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import java.util.ArrayList;
import java.util.List;

import static io.meshflow.sink.Column.bigint;
import static io.meshflow.sink.Column.bytes;
import static io.meshflow.sink.Column.nullableDouble;
import static io.meshflow.sink.Column.text;

/**
 * The output tables of SPEC section 4, each described once: sql/schema-*.sql, the job's CREATE
 * TABLE statements, the upserts and their binding are all derived from here.
 */
public final class OutputTables {
    private OutputTables() {}

    private static final Column<MetricRecord> GRANULARITY =
            Column.<MetricRecord>text("granularity", r -> r.key.granularity.columnValue())
                    .meaning("minute, hour or day");
    private static final Column<MetricRecord> BUCKET_START =
            Column.<MetricRecord>timestamp("bucket_start", r -> r.key.bucketStart)
                    .meaning("start of the bucket, UTC");

    /** The metric columns of SPEC section 3, the values of every node and edge table. */
    private static final List<Column<MetricRecord>> METRICS =
            List.of(
                    bigint("calls", r -> r.metrics.calls),
                    bigint("errors", r -> r.metrics.errors),
                    bigint("latency_sum_ms", r -> r.metrics.latencySumMs),
                    bigint("latency_max_ms", r -> r.metrics.latencyMaxMs),
                    bigint("p50_ms", r -> RowPercentiles.of(r.metrics, 0)),
                    bigint("p75_ms", r -> RowPercentiles.of(r.metrics, 1)),
                    bigint("p90_ms", r -> RowPercentiles.of(r.metrics, 2)),
                    bigint("p95_ms", r -> RowPercentiles.of(r.metrics, 3)),
                    bigint("p99_ms", r -> RowPercentiles.of(r.metrics, 4)),
                    nullableDouble("apdex", r -> r.metrics.apdex()),
                    bigint("status_2xx", r -> r.metrics.status2xx),
                    bigint("status_3xx", r -> r.metrics.status3xx),
                    bigint("status_4xx", r -> r.metrics.status4xx),
                    bigint("status_5xx", r -> r.metrics.status5xx),
                    bigint("status_other", r -> r.metrics.statusOther));

    /**
     * The row's whole accumulator, from which its other value columns derive: what {@code
     * --write-mode merge} adds a later run's calls to. NULL in rows written before meshflow stored
     * it.
     */
    private static final Column<MetricRecord> MERGE_STATE =
            Column.<MetricRecord>nullableBytes(
                            OutputTable.MERGE_STATE, r -> MergeState.encode(r.metrics))
                    .meaning(
                            "the row's counters and latency histogram (meshflow's encoding), for"
                                    + " --write-mode merge");

    public static final OutputTable<MetricRecord> SERVICE_METRICS =
            OutputTable.<MetricRecord>named(
                            "service_metrics",
                            "Node metrics of each service, as the destination of calls"
                                    + " (server's view when there is one).")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("service", r -> r.key.service())
                                    .meaning("the called service"))
                    .values(METRICS)
                    .values(MERGE_STATE)
                    .build();

    public static final OutputTable<MetricRecord> INSTANCE_METRICS =
            OutputTable.<MetricRecord>named(
                            "instance_metrics",
                            "Node metrics of each destination instance; calls without a destination"
                                    + " instance are left out.")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("service", r -> r.key.service())
                                    .meaning("the called service"),
                            Column.<MetricRecord>text("instance", r -> r.key.instance())
                                    .meaning("the called instance"))
                    .values(METRICS)
                    .values(MERGE_STATE)
                    .build();

    public static final OutputTable<MetricRecord> ENDPOINT_METRICS =
            OutputTable.<MetricRecord>named(
                            "endpoint_metrics",
                            "Node metrics of each endpoint of a destination service; calls without"
                                    + " an endpoint are left out.")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("service", r -> r.key.service())
                                    .meaning("the called service"),
                            Column.<MetricRecord>text("endpoint", r -> r.key.endpoint())
                                    .meaning("the called endpoint"))
                    .values(METRICS)
                    .values(MERGE_STATE)
                    .build();

    public static final OutputTable<MetricRecord> SERVICE_EDGES =
            OutputTable.<MetricRecord>named(
                            "service_edges",
                            "Topology: calls from one service to another (client's view when there"
                                    + " is one).")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("source_service", r -> r.key.sourceService())
                                    .meaning("the caller, 'unknown' for callers without a name"),
                            Column.<MetricRecord>text("dest_service", r -> r.key.destService())
                                    .meaning("the called service"))
                    .values(METRICS)
                    .values(
                            bigint("paired_calls", r -> r.metrics.pairedCalls),
                            bigint("client_only_calls", r -> r.metrics.clientOnlyCalls),
                            bigint("server_only_calls", r -> r.metrics.serverOnlyCalls),
                            bigint("server_retries", r -> r.metrics.serverRetries),
                            bigint("mtls_calls", r -> r.metrics.mtlsCalls),
                            bigint("client_latency_sum_ms", r -> r.metrics.clientLatencySumMs),
                            bigint("server_latency_sum_ms", r -> r.metrics.serverLatencySumMs),
                            nullableDouble("overhead_avg_ms", r -> r.metrics.overheadAvgMs()))
                    .values(MERGE_STATE)
                    .index("service_edges_by_bucket", "granularity", "bucket_start")
                    .build();

    public static final OutputTable<MetricRecord> INSTANCE_EDGES =
            OutputTable.<MetricRecord>named(
                            "instance_edges",
                            "Topology between instances; calls where either instance is empty are"
                                    + " left out.")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("source_service", r -> r.key.sourceService())
                                    .meaning("the caller, 'unknown' for callers without a name"),
                            Column.<MetricRecord>text(
                                            "source_instance", r -> r.key.sourceInstance())
                                    .meaning("the calling instance"),
                            Column.<MetricRecord>text("dest_service", r -> r.key.destService())
                                    .meaning("the called service"),
                            Column.<MetricRecord>text("dest_instance", r -> r.key.destInstance())
                                    .meaning("the called instance"))
                    .values(METRICS)
                    .values(bigint("paired_calls", r -> r.metrics.pairedCalls))
                    .values(MERGE_STATE)
                    .build();

    /** The columns of both tcp_* tables (SPEC 4): TCP sides, each counted from its own end. */
    private static final List<Column<MetricRecord>> CONNECTIONS =
            List.of(
                    Column.<MetricRecord>bigint(
                                    "client_connections", r -> r.metrics.clientConnections)
                            .meaning(
                                    "TCP sides reported by the client end (the one that connected)"),
                    Column.<MetricRecord>bigint(
                                    "server_connections", r -> r.metrics.serverConnections)
                            .meaning("TCP sides reported by the server end"),
                    Column.<MetricRecord>bigint(
                                    "failed_connections", r -> r.metrics.failedConnections)
                            .meaning("client sides with an internalErrorCode"),
                    Column.<MetricRecord>bigint("mtls_connections", r -> r.metrics.mtlsConnections)
                            .meaning("server sides with tlsMode mTLS"),
                    bigint("client_sent_bytes", r -> r.metrics.clientSentBytes),
                    bigint("client_received_bytes", r -> r.metrics.clientReceivedBytes),
                    bigint("server_sent_bytes", r -> r.metrics.serverSentBytes),
                    bigint("server_received_bytes", r -> r.metrics.serverReceivedBytes),
                    Column.<MetricRecord>bigint("duration_sum_ms", r -> r.metrics.durationSumMs)
                            .meaning("endTime - startTime over every side of the row"),
                    bigint("duration_max_ms", r -> r.metrics.durationMaxMs));

    public static final OutputTable<MetricRecord> TCP_SERVICE_EDGES =
            OutputTable.<MetricRecord>named(
                            "tcp_service_edges",
                            "TCP connections between services, each side counted from its own end"
                                    + " in the bucket of its startTime (never paired).")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("source_service", r -> r.key.sourceService())
                                    .meaning(
                                            "the connecting end, 'unknown' for callers without a"
                                                    + " name"),
                            Column.<MetricRecord>text("dest_service", r -> r.key.destService())
                                    .meaning("the end connected to"))
                    .values(CONNECTIONS)
                    .values(MERGE_STATE)
                    .index("tcp_service_edges_by_bucket", "granularity", "bucket_start")
                    .build();

    public static final OutputTable<MetricRecord> TCP_INSTANCE_EDGES =
            OutputTable.<MetricRecord>named(
                            "tcp_instance_edges",
                            "TCP connections between instances; sides where either instance is"
                                    + " empty are left out.")
                    .key(
                            GRANULARITY,
                            BUCKET_START,
                            Column.<MetricRecord>text("source_service", r -> r.key.sourceService())
                                    .meaning(
                                            "the connecting end, 'unknown' for callers without a"
                                                    + " name"),
                            Column.<MetricRecord>text(
                                            "source_instance", r -> r.key.sourceInstance())
                                    .meaning("the connecting instance"),
                            Column.<MetricRecord>text("dest_service", r -> r.key.destService())
                                    .meaning("the end connected to"),
                            Column.<MetricRecord>text("dest_instance", r -> r.key.destInstance())
                                    .meaning("the instance connected to"))
                    .values(CONNECTIONS)
                    .values(MERGE_STATE)
                    .build();

    /**
     * One row per service over all time: each minute's row merges into it (the most telling kind,
     * the earliest first_seen, the latest last_seen).
     */
    public static final OutputTable<MetricRecord> SERVICES =
            OutputTable.<MetricRecord>named(
                            "services",
                            "Every service named in calls: mesh (reported a side), external (never"
                                    + " reported one) or unknown (callers without a name).")
                    .key(
                            Column.<MetricRecord>text("service", r -> r.key.service())
                                    .meaning("a service named in calls"))
                    .values(
                            Column.<MetricRecord>text("kind", r -> r.metrics.kind().columnValue())
                                    .mergedBy(
                                            d ->
                                                    "CASE WHEN services.kind = 'mesh' OR excluded.kind = 'mesh' THEN 'mesh'"
                                                            + " WHEN services.kind = 'external' OR excluded.kind = 'external' THEN 'external'"
                                                            + " ELSE excluded.kind END"),
                            Column.<MetricRecord>timestamp("first_seen", r -> r.metrics.firstSeen)
                                    .mergedBy(
                                            d ->
                                                    d.least(
                                                            "services.first_seen",
                                                            "excluded.first_seen")),
                            Column.<MetricRecord>timestamp("last_seen", r -> r.metrics.lastSeen)
                                    .mergedBy(
                                            d ->
                                                    d.greatest(
                                                            "services.last_seen",
                                                            "excluded.last_seen")))
                    .build();

    public static final OutputTable<MetricRecord> PIPELINE_STATS =
            OutputTable.<MetricRecord>named(
                            "pipeline_stats",
                            "What the job saw: sides, HTTP and TCP (duplicates and late ones"
                                    + " included) in the bucket of their own startTime, calls in"
                                    + " the call's bucket.")
                    .key(GRANULARITY, BUCKET_START)
                    .values(
                            bigint("sides", r -> r.metrics.sides),
                            bigint("duplicate_sides", r -> r.metrics.duplicateSides),
                            bigint("late_sides", r -> r.metrics.lateSides),
                            Column.<MetricRecord>bigint(
                                            "ignored_spans", r -> r.metrics.ignoredSpans)
                                    .meaning(
                                            "OpenTelemetry spans that are not calls between"
                                                    + " services (INTERNAL, PRODUCER, CONSUMER,"
                                                    + " unspecified), in the minute of their"
                                                    + " start"),
                            bigint("paired_calls", r -> r.metrics.pairedCalls),
                            bigint("client_only_calls", r -> r.metrics.clientOnlyCalls),
                            bigint("server_only_calls", r -> r.metrics.serverOnlyCalls),
                            bigint("endpoint_overflow_calls", r -> r.metrics.endpointOverflowCalls))
                    .values(MERGE_STATE)
                    .build();

    /** Never updated: a replay after a failure finds the row there and leaves it. */
    public static final OutputTable<DeadLetter> DEAD_LETTERS =
            OutputTable.<DeadLetter>named(
                            "dead_letters",
                            "Input that could not be counted, kept whole: undecodable records,"
                                    + " invalid and late sides.")
                    .key(
                            Column.<DeadLetter>text("id", d -> d.id)
                                    .meaning("where the input was read: the same on a replay"))
                    .values(
                            Column.<DeadLetter>timestamp("received_at", d -> d.receivedAt),
                            text("origin", d -> d.origin),
                            text("reason", d -> d.reason),
                            bytes("payload", d -> d.payload))
                    .keepFirst()
                    .index("dead_letters_by_time", "received_at")
                    .build();

    /**
     * What each table row held before a {@code --write-mode merge} run first wrote it: written once
     * per run and row, in the transaction of the row's first write (see {@link MergeBase}).
     */
    public static final OutputTable<MergeBase> MERGE_BASES =
            OutputTable.<MergeBase>named(
                            "merge_bases",
                            "Bookkeeping of --write-mode merge: each row's merge_state before a run"
                                    + " first wrote it, so that writing it again adds the run once.")
                    .key(
                            Column.<MergeBase>text("run_id", MergeBase::runId)
                                    .meaning("the merge run"),
                            Column.<MergeBase>text("table_name", MergeBase::table)
                                    .meaning("the table of the row"),
                            Column.<MergeBase>text("row_key", MergeBase::rowKey)
                                    .meaning("the row's key columns as text"))
                    .values(
                            Column.<MergeBase>nullableBytes("base", MergeBase::state)
                                    .meaning("merge_state before the run; NULL: no row"))
                    .keepFirst()
                    .build();

    /** The description of an aggregated table. */
    public static OutputTable<MetricRecord> of(Table table) {
        return switch (table) {
            case SERVICE_METRICS -> SERVICE_METRICS;
            case INSTANCE_METRICS -> INSTANCE_METRICS;
            case ENDPOINT_METRICS -> ENDPOINT_METRICS;
            case SERVICE_EDGES -> SERVICE_EDGES;
            case INSTANCE_EDGES -> INSTANCE_EDGES;
            case PIPELINE_STATS -> PIPELINE_STATS;
            case SERVICES -> SERVICES;
            case TCP_SERVICE_EDGES -> TCP_SERVICE_EDGES;
            case TCP_INSTANCE_EDGES -> TCP_INSTANCE_EDGES;
        };
    }

    /** Every output table, in the order of the schema files. */
    public static List<OutputTable<?>> all() {
        return List.of(
                SERVICE_METRICS,
                INSTANCE_METRICS,
                ENDPOINT_METRICS,
                SERVICE_EDGES,
                INSTANCE_EDGES,
                TCP_SERVICE_EDGES,
                TCP_INSTANCE_EDGES,
                SERVICES,
                PIPELINE_STATS,
                DEAD_LETTERS,
                MERGE_BASES);
    }

    /** The statements that create whatever tables and indexes are missing: tables first. */
    public static List<String> createStatements(Dialect dialect) {
        List<String> statements = new ArrayList<>();
        for (OutputTable<?> table : all()) {
            statements.add(table.createTable(dialect, false));
        }
        for (OutputTable<?> table : all()) {
            statements.addAll(table.createIndexes());
        }
        return statements;
    }

    /** The text of sql/schema-*.sql: the same statements, with what each table means. */
    public static String schemaFile(Dialect dialect) {
        StringBuilder text = new StringBuilder();
        if (dialect == Dialect.POSTGRES) {
            text.append(
                    "-- meshflow schema for PostgreSQL. The job runs these statements at start (each creates what is missing);\n"
                            + "-- they also serve as init scripts (docker/). Times are UTC. See ../shared/SPEC.md section 4.\n");
        } else {
            text.append(
                    "-- meshflow schema for SQLite. The job runs these statements at start (each creates what is missing).\n"
                            + "-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS'. See ../shared/SPEC.md section 4.\n");
        }
        text.append(
                "-- Generated from io.meshflow.sink.OutputTables: do not edit; to regenerate, run\n"
                        + "-- ./mvnw -B -ntp -pl udfs test -Dtest=SchemaFilesTest -Dmeshflow.regenerateSchema=true\n");
        for (OutputTable<?> table : all()) {
            text.append("\n-- ")
                    .append(table.meaning())
                    .append('\n')
                    .append(table.createTable(dialect, true))
                    .append(";\n");
        }
        text.append('\n');
        for (OutputTable<?> table : all()) {
            for (String index : table.createIndexes()) {
                text.append(index).append(";\n");
            }
        }
        return text.toString();
    }
}
