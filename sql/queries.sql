-- Example queries for analysts. They run unchanged on PostgreSQL and on SQLite.

-- 1. The topology of the latest hour: who calls whom, how often, how badly, how slowly as the caller saw it,
--    and the sidecar/network overhead that only paired calls reveal.
SELECT source_service, dest_service, calls, errors,
       ROUND(100.0 * errors / calls, 2) AS error_pct,
       p99_ms, mtls_calls, paired_calls, client_only_calls, server_only_calls, server_retries,
       ROUND(CAST(overhead_avg_ms AS NUMERIC), 2) AS overhead_avg_ms
FROM service_edges
WHERE granularity = 'hour'
  AND bucket_start = (SELECT MAX(bucket_start) FROM service_edges WHERE granularity = 'hour')
ORDER BY calls DESC;

-- 2. Daily health of each service: apdex, p99 and error rate per day (day rows are exact merges of all
--    calls of the day, not averages of minutes).
SELECT bucket_start AS day, service, calls, errors,
       ROUND(100.0 * errors / calls, 2) AS error_pct, p50_ms, p99_ms, ROUND(CAST(apdex AS NUMERIC), 3) AS apdex
FROM service_metrics
WHERE granularity = 'day'
ORDER BY day, calls DESC;

-- 3. Services that are failing their callers: destinations of calls that never reached a server in the
--    mesh (client-only calls), and the endpoints with the most 5xx per hour.
SELECT e.dest_service, s.kind, SUM(e.client_only_calls) AS client_only_calls, SUM(e.calls) AS calls
FROM service_edges e JOIN services s ON s.service = e.dest_service
WHERE e.granularity = 'hour'
GROUP BY e.dest_service, s.kind
HAVING SUM(e.client_only_calls) > 0
ORDER BY client_only_calls DESC;

SELECT bucket_start AS hour, service, endpoint, status_5xx, calls, p95_ms
FROM endpoint_metrics
WHERE granularity = 'hour' AND status_5xx > 0
ORDER BY status_5xx DESC
LIMIT 20;

-- 4. TCP (databases, caches, brokers): bytes per edge and failed connections per day. Both ends may report
--    one connection, so take the end that counted more bytes rather than their sum; failed connections
--    are client sides with a proxy error code (the server end never saw them).
SELECT bucket_start AS day, source_service, dest_service,
       client_connections, server_connections, failed_connections,
       CASE WHEN client_sent_bytes + client_received_bytes > server_sent_bytes + server_received_bytes
            THEN client_sent_bytes + client_received_bytes
            ELSE server_sent_bytes + server_received_bytes END AS bytes,
       duration_sum_ms / (client_connections + server_connections) AS mean_lifetime_ms
FROM tcp_service_edges
WHERE granularity = 'day'
ORDER BY bytes DESC;

-- Is anything being lost? Every valid side is counted in a call, in the tcp_* tables, as a duplicate or as late.
SELECT granularity, SUM(sides) AS sides, SUM(duplicate_sides) AS duplicates, SUM(late_sides) AS late,
       SUM(paired_calls) AS paired, SUM(client_only_calls) AS client_only, SUM(server_only_calls) AS server_only
FROM pipeline_stats GROUP BY granularity;

SELECT reason, COUNT(*) FROM dead_letters GROUP BY reason ORDER BY 2 DESC;
