-- meshflow schema for SQLite. The job runs these statements at start (each creates what is missing).
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS'. See ../shared/SPEC.md section 4.
-- Generated from io.meshflow.sink.OutputTables: do not edit; to regenerate, run
-- ./mvnw -B -ntp -pl udfs test -Dtest=SchemaFilesTest -Dmeshflow.regenerateSchema=true

-- Node metrics of each service, as the destination of calls (server's view when there is one).
CREATE TABLE IF NOT EXISTS service_metrics (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    service TEXT NOT NULL, -- the called service
    calls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    p50_ms INTEGER NOT NULL,
    p75_ms INTEGER NOT NULL,
    p90_ms INTEGER NOT NULL,
    p95_ms INTEGER NOT NULL,
    p99_ms INTEGER NOT NULL,
    apdex REAL,
    status_2xx INTEGER NOT NULL,
    status_3xx INTEGER NOT NULL,
    status_4xx INTEGER NOT NULL,
    status_5xx INTEGER NOT NULL,
    status_other INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, service)
);

-- Node metrics of each destination instance; calls without a destination instance are left out.
CREATE TABLE IF NOT EXISTS instance_metrics (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    service TEXT NOT NULL, -- the called service
    instance TEXT NOT NULL, -- the called instance
    calls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    p50_ms INTEGER NOT NULL,
    p75_ms INTEGER NOT NULL,
    p90_ms INTEGER NOT NULL,
    p95_ms INTEGER NOT NULL,
    p99_ms INTEGER NOT NULL,
    apdex REAL,
    status_2xx INTEGER NOT NULL,
    status_3xx INTEGER NOT NULL,
    status_4xx INTEGER NOT NULL,
    status_5xx INTEGER NOT NULL,
    status_other INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, service, instance)
);

-- Node metrics of each endpoint of a destination service; calls without an endpoint are left out.
CREATE TABLE IF NOT EXISTS endpoint_metrics (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    service TEXT NOT NULL, -- the called service
    endpoint TEXT NOT NULL, -- the called endpoint
    calls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    p50_ms INTEGER NOT NULL,
    p75_ms INTEGER NOT NULL,
    p90_ms INTEGER NOT NULL,
    p95_ms INTEGER NOT NULL,
    p99_ms INTEGER NOT NULL,
    apdex REAL,
    status_2xx INTEGER NOT NULL,
    status_3xx INTEGER NOT NULL,
    status_4xx INTEGER NOT NULL,
    status_5xx INTEGER NOT NULL,
    status_other INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, service, endpoint)
);

-- Topology: calls from one service to another (client's view when there is one).
CREATE TABLE IF NOT EXISTS service_edges (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    source_service TEXT NOT NULL, -- the caller, 'unknown' for callers without a name
    dest_service TEXT NOT NULL, -- the called service
    calls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    p50_ms INTEGER NOT NULL,
    p75_ms INTEGER NOT NULL,
    p90_ms INTEGER NOT NULL,
    p95_ms INTEGER NOT NULL,
    p99_ms INTEGER NOT NULL,
    apdex REAL,
    status_2xx INTEGER NOT NULL,
    status_3xx INTEGER NOT NULL,
    status_4xx INTEGER NOT NULL,
    status_5xx INTEGER NOT NULL,
    status_other INTEGER NOT NULL,
    paired_calls INTEGER NOT NULL,
    client_only_calls INTEGER NOT NULL,
    server_only_calls INTEGER NOT NULL,
    server_retries INTEGER NOT NULL,
    mtls_calls INTEGER NOT NULL,
    client_latency_sum_ms INTEGER NOT NULL,
    server_latency_sum_ms INTEGER NOT NULL,
    overhead_avg_ms REAL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, source_service, dest_service)
);

-- Topology between instances; calls where either instance is empty are left out.
CREATE TABLE IF NOT EXISTS instance_edges (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    source_service TEXT NOT NULL, -- the caller, 'unknown' for callers without a name
    source_instance TEXT NOT NULL, -- the calling instance
    dest_service TEXT NOT NULL, -- the called service
    dest_instance TEXT NOT NULL, -- the called instance
    calls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    p50_ms INTEGER NOT NULL,
    p75_ms INTEGER NOT NULL,
    p90_ms INTEGER NOT NULL,
    p95_ms INTEGER NOT NULL,
    p99_ms INTEGER NOT NULL,
    apdex REAL,
    status_2xx INTEGER NOT NULL,
    status_3xx INTEGER NOT NULL,
    status_4xx INTEGER NOT NULL,
    status_5xx INTEGER NOT NULL,
    status_other INTEGER NOT NULL,
    paired_calls INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, source_service, source_instance, dest_service, dest_instance)
);

-- TCP connections between services, each side counted from its own end in the bucket of its startTime (never paired).
CREATE TABLE IF NOT EXISTS tcp_service_edges (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    source_service TEXT NOT NULL, -- the connecting end, 'unknown' for callers without a name
    dest_service TEXT NOT NULL, -- the end connected to
    client_connections INTEGER NOT NULL, -- TCP sides reported by the client end (the one that connected)
    server_connections INTEGER NOT NULL, -- TCP sides reported by the server end
    failed_connections INTEGER NOT NULL, -- client sides with an internalErrorCode
    mtls_connections INTEGER NOT NULL, -- server sides with tlsMode mTLS
    client_sent_bytes INTEGER NOT NULL,
    client_received_bytes INTEGER NOT NULL,
    server_sent_bytes INTEGER NOT NULL,
    server_received_bytes INTEGER NOT NULL,
    duration_sum_ms INTEGER NOT NULL, -- endTime - startTime over every side of the row
    duration_max_ms INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, source_service, dest_service)
);

-- TCP connections between instances; sides where either instance is empty are left out.
CREATE TABLE IF NOT EXISTS tcp_instance_edges (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    source_service TEXT NOT NULL, -- the connecting end, 'unknown' for callers without a name
    source_instance TEXT NOT NULL, -- the connecting instance
    dest_service TEXT NOT NULL, -- the end connected to
    dest_instance TEXT NOT NULL, -- the instance connected to
    client_connections INTEGER NOT NULL, -- TCP sides reported by the client end (the one that connected)
    server_connections INTEGER NOT NULL, -- TCP sides reported by the server end
    failed_connections INTEGER NOT NULL, -- client sides with an internalErrorCode
    mtls_connections INTEGER NOT NULL, -- server sides with tlsMode mTLS
    client_sent_bytes INTEGER NOT NULL,
    client_received_bytes INTEGER NOT NULL,
    server_sent_bytes INTEGER NOT NULL,
    server_received_bytes INTEGER NOT NULL,
    duration_sum_ms INTEGER NOT NULL, -- endTime - startTime over every side of the row
    duration_max_ms INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start, source_service, source_instance, dest_service, dest_instance)
);

-- Every service named in calls: mesh (reported a side), external (never reported one) or unknown (callers without a name).
CREATE TABLE IF NOT EXISTS services (
    service TEXT NOT NULL, -- a service named in calls
    kind TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (service)
);

-- What the job saw: sides, HTTP and TCP (duplicates and late ones included) in the bucket of their own startTime, calls in the call's bucket.
CREATE TABLE IF NOT EXISTS pipeline_stats (
    granularity TEXT NOT NULL, -- minute, hour or day
    bucket_start TEXT NOT NULL, -- start of the bucket, UTC
    sides INTEGER NOT NULL,
    duplicate_sides INTEGER NOT NULL,
    late_sides INTEGER NOT NULL,
    ignored_spans INTEGER NOT NULL, -- OpenTelemetry spans that are not calls between services (INTERNAL, PRODUCER, CONSUMER, unspecified), in the minute of their start
    paired_calls INTEGER NOT NULL,
    client_only_calls INTEGER NOT NULL,
    server_only_calls INTEGER NOT NULL,
    endpoint_overflow_calls INTEGER NOT NULL,
    merge_state BLOB, -- the row's counters and latency histogram (meshflow's encoding), for --write-mode merge
    PRIMARY KEY (granularity, bucket_start)
);

-- Input that could not be counted, kept whole: undecodable records, invalid and late sides.
CREATE TABLE IF NOT EXISTS dead_letters (
    id TEXT NOT NULL, -- where the input was read: the same on a replay
    received_at TEXT NOT NULL,
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload BLOB NOT NULL,
    PRIMARY KEY (id)
);

-- Bookkeeping of --write-mode merge: each row's merge_state before a run first wrote it, so that writing it again adds the run once.
CREATE TABLE IF NOT EXISTS merge_bases (
    run_id TEXT NOT NULL, -- the merge run
    table_name TEXT NOT NULL, -- the table of the row
    row_key TEXT NOT NULL, -- the row's key columns as text
    base BLOB, -- merge_state before the run; NULL: no row
    PRIMARY KEY (run_id, table_name, row_key)
);

CREATE INDEX IF NOT EXISTS service_edges_by_bucket ON service_edges (granularity, bucket_start);
CREATE INDEX IF NOT EXISTS tcp_service_edges_by_bucket ON tcp_service_edges (granularity, bucket_start);
CREATE INDEX IF NOT EXISTS dead_letters_by_time ON dead_letters (received_at);
