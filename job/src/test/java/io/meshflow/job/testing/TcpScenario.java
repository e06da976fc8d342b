package io.meshflow.job.testing;

import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.proto.TCPServiceMeshMetric;
import io.meshflow.proto.TCPServiceMeshMetrics;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP connections interleaved with HTTP calls, every TCP row checked by hand. Each line is one
 * input record, in input order; T0 = 2026-01-01 10:00:00 UTC; a TCP side is (detect point, source
 * -> dest, start..end, instances, sent/received bytes as its end counted them, tlsMode, error).
 *
 * <pre>
 *  #  record
 *  1  HTTP r1 client A -> B  T0+1000, 100 ms                               paired with #3
 *  2  TCP  client app -> db  T0+2000..T0+2500  app-1 -> db-0  300/4000  mTLS   one connection,
 *          server app -> db  T0+2001..T0+2499  app-1 -> db-0  4000/300  mTLS   both ends
 *  3  HTTP r1 server A -> B  T0+1003, 90 ms
 *  4  TCP  client app -> cache T0+3000..T0+3100 app-1 -> ""   0/0  NONE  UF   failed, client only
 *  5  TCP  client app -> cache T0+4000..T0+64000 app-2 -> cache-0 50/70 NONE  client only (a
 *          minute long; the cache reports nothing: external)
 *  6  TCP  server "" -> db   T0+5000..T0+6000  "" -> db-0     10/20   NONE   caller outside the mesh
 *  7  TCP  the client side of #2 delivered again                           duplicate
 *  8  TCP  client app -> db  T0+65000..T0+65200 app-1 -> db-0 1/2     mTLS  UH  failed, 10:01
 *  9  HTTP r10 client A -> B T0+600000, 10 ms                              10:10, moves the
 * 10  HTTP r10 server A -> B T0+600002, 8 ms                               watermark on
 * 11  TCP  client app -> db  T0+7000..T0+7100  app-1 -> db-0  1/1          late: 10:00 forgotten
 * 12  TCP  server app -> db  T0+600100..T0+600300 app-1 -> db-1 5/6  mTLS   10:10
 *          client app -> ""  T0+600200 (no destServiceName)                dead letter
 * </pre>
 *
 * 13 valid sides: 4 HTTP, 9 TCP (7 counted, 1 duplicate, 1 late); 2 dead letters (#11 late, #12's
 * second side).
 */
public final class TcpScenario {
    public static final long T0 = HandCheckedScenario.T0;

    private TcpScenario() {}

    public static List<byte[]> records() {
        List<byte[]> r = new ArrayList<>();
        r.add(http("r1", true, 1000, 100));
        r.add(
                tcp(
                        side(true, "app", "db", 2000, 2500, "app-1", "db-0", 300, 4000, "mTLS", ""),
                        side(
                                false, "app", "db", 2001, 2499, "app-1", "db-0", 4000, 300, "mTLS",
                                "")));
        r.add(http("r1", false, 1003, 90));
        r.add(tcp(side(true, "app", "cache", 3000, 3100, "app-1", "", 0, 0, "NONE", "UF")));
        r.add(
                tcp(
                        side(
                                true, "app", "cache", 4000, 64_000, "app-2", "cache-0", 50, 70,
                                "NONE", "")));
        r.add(tcp(side(false, "", "db", 5000, 6000, "", "db-0", 10, 20, "NONE", "")));
        r.add(tcp(side(true, "app", "db", 2000, 2500, "app-1", "db-0", 300, 4000, "mTLS", "")));
        r.add(tcp(side(true, "app", "db", 65_000, 65_200, "app-1", "db-0", 1, 2, "mTLS", "UH")));
        r.add(http("r10", true, 600_000, 10));
        r.add(http("r10", false, 600_002, 8));
        r.add(tcp(side(true, "app", "db", 7000, 7100, "app-1", "db-0", 1, 1, "NONE", "")));
        r.add(
                tcp(
                        side(
                                false, "app", "db", 600_100, 600_300, "app-1", "db-1", 5, 6, "mTLS",
                                ""),
                        side(true, "app", "", 600_200, 600_300, "app-1", "", 1, 1, "NONE", "")));
        return r;
    }

    private static TCPServiceMeshMetric side(
            boolean client,
            String source,
            String dest,
            long start,
            long end,
            String sourceInstance,
            String destInstance,
            long sent,
            long received,
            String tls,
            String error) {
        return TCPServiceMeshMetric.newBuilder()
                .setDetectPoint(client ? DetectPoint.client : DetectPoint.server)
                .setSourceServiceName(source)
                .setDestServiceName(dest)
                .setSourceServiceInstance(sourceInstance)
                .setDestServiceInstance(destInstance)
                .setStartTime(T0 + start)
                .setEndTime(T0 + end)
                .setSentBytes(sent)
                .setReceivedBytes(received)
                .setTlsMode(tls)
                .setInternalErrorCode(error)
                .build();
    }

    private static byte[] tcp(TCPServiceMeshMetric... sides) {
        return ServiceMeshMetrics.newBuilder()
                .setTcpMetrics(TCPServiceMeshMetrics.newBuilder().addAllMetrics(List.of(sides)))
                .build()
                .toByteArray();
    }

    private static byte[] http(String requestId, boolean client, long start, int latency) {
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(
                        HTTPServiceMeshMetrics.newBuilder()
                                .addMetrics(
                                        HTTPServiceMeshMetric.newBuilder()
                                                .setRequestId(requestId)
                                                .setDetectPoint(
                                                        client
                                                                ? DetectPoint.client
                                                                : DetectPoint.server)
                                                .setSourceServiceName("A")
                                                .setDestServiceName("B")
                                                .setSourceServiceInstance("a-1")
                                                .setDestServiceInstance("b-1")
                                                .setStartTime(T0 + start)
                                                .setEndTime(T0 + start + latency)
                                                .setLatency(latency)
                                                .setResponseCode(200)
                                                .setStatus(true)
                                                .setEndpoint("GET:/items")
                                                .setTlsMode("mTLS")))
                .build()
                .toByteArray();
    }

    // ---------------------------------------------------------------------------------------------
    // What the tables must hold.

    private static final String CONNECTIONS =
            "client_connections, server_connections, failed_connections, mtls_connections,"
                    + " client_sent_bytes, client_received_bytes, server_sent_bytes,"
                    + " server_received_bytes, duration_sum_ms, duration_max_ms";

    public static void assertTables(String url) throws SQLException {
        assertTcpServiceEdges(url);
        assertTcpInstanceEdges(url);
        assertServices(url);
        assertPipelineStats(url);
        assertDeadLetters(url);
        assertHttpCallsBetweenTheTcpBatches(url);
    }

    static void assertTcpServiceEdges(String url) throws SQLException {
        List<Object> appDb1000 = List.of(1L, 1L, 0L, 1L, 300L, 4000L, 4000L, 300L, 998L, 500L);
        List<Object> appCache = List.of(2L, 0L, 1L, 0L, 50L, 70L, 0L, 0L, 60_100L, 60_000L);
        List<Object> unknownDb = List.of(0L, 1L, 0L, 0L, 0L, 0L, 10L, 20L, 1000L, 1000L);
        // #8, and #12's server side
        List<Object> appDb1001 = List.of(1L, 0L, 1L, 0L, 1L, 2L, 0L, 0L, 200L, 200L);
        List<Object> appDb1010 = List.of(0L, 1L, 0L, 1L, 0L, 0L, 5L, 6L, 200L, 200L);
        List<Object> appDbAll = List.of(2L, 2L, 1L, 2L, 301L, 4002L, 4005L, 306L, 1398L, 500L);
        assertThat(
                        rows(
                                url,
                                "SELECT granularity, bucket_start, source_service, dest_service, "
                                        + CONNECTIONS
                                        + " FROM tcp_service_edges ORDER BY granularity DESC,"
                                        + " bucket_start, source_service, dest_service"))
                .containsExactly(
                        row("minute", "10:00", "app", "cache", appCache),
                        row("minute", "10:00", "app", "db", appDb1000),
                        row("minute", "10:00", "unknown", "db", unknownDb),
                        row("minute", "10:01", "app", "db", appDb1001),
                        row("minute", "10:10", "app", "db", appDb1010),
                        row("hour", "10:00", "app", "cache", appCache),
                        row("hour", "10:00", "app", "db", appDbAll),
                        row("hour", "10:00", "unknown", "db", unknownDb),
                        row("day", "00:00", "app", "cache", appCache),
                        row("day", "00:00", "app", "db", appDbAll),
                        row("day", "00:00", "unknown", "db", unknownDb));
    }

    static void assertTcpInstanceEdges(String url) throws SQLException {
        // #4 has no destination instance, #6 no source instance: left out
        List<Object> db0at1000 = List.of(1L, 1L, 0L, 1L, 300L, 4000L, 4000L, 300L, 998L, 500L);
        List<Object> db0at1001 = List.of(1L, 0L, 1L, 0L, 1L, 2L, 0L, 0L, 200L, 200L);
        List<Object> db0All = List.of(2L, 1L, 1L, 1L, 301L, 4002L, 4000L, 300L, 1198L, 500L);
        List<Object> db1 = List.of(0L, 1L, 0L, 1L, 0L, 0L, 5L, 6L, 200L, 200L);
        List<Object> cache0 = List.of(1L, 0L, 0L, 0L, 50L, 70L, 0L, 0L, 60_000L, 60_000L);
        assertThat(
                        rows(
                                url,
                                "SELECT granularity, bucket_start, source_service, source_instance,"
                                        + " dest_service, dest_instance, "
                                        + CONNECTIONS
                                        + " FROM tcp_instance_edges ORDER BY granularity DESC,"
                                        + " bucket_start, source_instance, dest_instance"))
                .containsExactly(
                        row("minute", "10:00", "app", "app-1", "db", "db-0", db0at1000),
                        row("minute", "10:00", "app", "app-2", "cache", "cache-0", cache0),
                        row("minute", "10:01", "app", "app-1", "db", "db-0", db0at1001),
                        row("minute", "10:10", "app", "app-1", "db", "db-1", db1),
                        row("hour", "10:00", "app", "app-1", "db", "db-0", db0All),
                        row("hour", "10:00", "app", "app-1", "db", "db-1", db1),
                        row("hour", "10:00", "app", "app-2", "cache", "cache-0", cache0),
                        row("day", "00:00", "app", "app-1", "db", "db-0", db0All),
                        row("day", "00:00", "app", "app-1", "db", "db-1", db1),
                        row("day", "00:00", "app", "app-2", "cache", "cache-0", cache0));
    }

    static void assertServices(String url) throws SQLException {
        // app reported client sides (mesh); db server sides (mesh); cache only named (external)
        // sorted here: PostgreSQL's collation may order upper and lower case together
        assertThat(
                        rows(url, "SELECT service, kind, first_seen, last_seen FROM services")
                                .stream()
                                .sorted(java.util.Comparator.comparing(r -> (String) r.get(0))))
                .containsExactly(
                        List.of("A", "mesh", "2026-01-01 10:00:01", "2026-01-01 10:10:00"),
                        List.of("B", "mesh", "2026-01-01 10:00:01", "2026-01-01 10:10:00"),
                        List.of("app", "mesh", "2026-01-01 10:00:02", "2026-01-01 10:10:00"),
                        List.of("cache", "external", "2026-01-01 10:00:03", "2026-01-01 10:00:04"),
                        List.of("db", "mesh", "2026-01-01 10:00:02", "2026-01-01 10:10:00"),
                        List.of(
                                "unknown",
                                "unknown",
                                "2026-01-01 10:00:05",
                                "2026-01-01 10:00:05"));
    }

    static void assertPipelineStats(String url) throws SQLException {
        // sides in their own minute: 10:00 two HTTP, five TCP counted, the duplicate, the late one
        assertThat(
                        rows(
                                url,
                                "SELECT granularity, bucket_start, sides, duplicate_sides, late_sides,"
                                        + " paired_calls, client_only_calls, server_only_calls FROM"
                                        + " pipeline_stats ORDER BY granularity DESC, bucket_start"))
                .containsExactly(
                        List.of("minute", "2026-01-01 10:00:00", 9L, 1L, 1L, 1L, 0L, 0L),
                        List.of("minute", "2026-01-01 10:01:00", 1L, 0L, 0L, 0L, 0L, 0L),
                        List.of("minute", "2026-01-01 10:10:00", 3L, 0L, 0L, 1L, 0L, 0L),
                        List.of("hour", "2026-01-01 10:00:00", 13L, 1L, 1L, 2L, 0L, 0L),
                        List.of("day", "2026-01-01 00:00:00", 13L, 1L, 1L, 2L, 0L, 0L));
        // every valid side accounted for: two per paired call, one per TCP connection side, the
        // duplicate and the late one
        long tcpSides =
                Rows.count(
                        url,
                        "SELECT SUM(client_connections + server_connections) FROM"
                                + " tcp_service_edges WHERE granularity = 'day'");
        assertThat(tcpSides).isEqualTo(7);
        assertThat(2 * 2 + tcpSides + 1 + 1).isEqualTo(13);
    }

    static void assertDeadLetters(String url) throws SQLException {
        List<Map<String, Object>> deadLetters =
                Rows.query(url, "SELECT reason, payload FROM dead_letters ORDER BY reason");
        assertThat(deadLetters)
                .extracting(r -> r.get("reason"))
                .containsExactly("late", "missing-dest-service");
        // each kept whole, in the TCP format: just the side itself
        List<TCPServiceMeshMetric> kept = new ArrayList<>();
        for (Map<String, Object> d : deadLetters) {
            try {
                kept.addAll(
                        ServiceMeshMetrics.parseFrom((byte[]) d.get("payload"))
                                .getTcpMetrics()
                                .getMetricsList());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(kept)
                .containsExactly(
                        side(true, "app", "db", 7000, 7100, "app-1", "db-0", 1, 1, "NONE", ""),
                        side(true, "app", "", 600_200, 600_300, "app-1", "", 1, 1, "NONE", ""));
    }

    static void assertHttpCallsBetweenTheTcpBatches(String url) throws SQLException {
        assertThat(
                        rows(
                                url,
                                "SELECT granularity, bucket_start, calls, paired_calls FROM"
                                        + " service_edges ORDER BY granularity DESC, bucket_start"))
                .containsExactly(
                        List.of("minute", "2026-01-01 10:00:00", 1L, 1L),
                        List.of("minute", "2026-01-01 10:10:00", 1L, 1L),
                        List.of("hour", "2026-01-01 10:00:00", 2L, 2L),
                        List.of("day", "2026-01-01 00:00:00", 2L, 2L));
    }

    private static List<List<Object>> rows(String url, String sql) throws SQLException {
        return Rows.query(url, sql).stream().map(r -> List.copyOf(r.values())).toList();
    }

    /** A row's values: granularity, its bucket (hh:mm of 2026-01-01), the names, the counters. */
    private static List<Object> row(String granularity, String hhmm, Object... namesThenCounters) {
        List<Object> row = new ArrayList<>();
        row.add(granularity);
        row.add("2026-01-01 " + hhmm + ":00");
        for (int i = 0; i < namesThenCounters.length - 1; i++) {
            row.add(namesThenCounters[i]);
        }
        row.addAll((List<?>) namesThenCounters[namesThenCounters.length - 1]);
        return row;
    }
}
