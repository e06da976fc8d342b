package io.meshflow.job.testing;

import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JobSettings;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.proto.TCPServiceMeshMetric;
import io.meshflow.proto.TCPServiceMeshMetrics;
import io.meshflow.testing.Sides;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A small mesh whose every result row can be checked by hand. Each line is one input record (one
 * side, as sidecars report them separately), in input order. T0 = 2026-01-01 10:00:00 UTC; apdex T
 * is 500 ms, but 80 ms for service B (thresholds file).
 *
 * <pre>
 *  #  request  side    hop        start    latency code  instances   notes
 *  1  r1       client  A -> B     T0+1000  110     200   a-1 -> b-1  paired
 *  2  r2       server  A -> B     T0+2002   50     500   a-1 -> b-2  paired, server first
 *  3  r1       server  A -> B     T0+1005  100     200   a-1 -> b-1
 *  4  r2       client  A -> B     T0+2000   55     500   a-1 -> b-2
 *  5  r3       client  A -> B     T0+3000 1000     503   a-2 -> ""   client-only: never reached B
 *  6  r4       server  "" -> A    T0+4000   20     200   "" -> a-1   server-only: caller outside the mesh
 *  7  r5       client  A -> C     T0+5000  300     200   a-1 -> ""   client-only: C is outside the mesh
 *  8  r1       client  (#1 delivered again: a duplicate)
 *  9  r7       client  A -> B     T0+6000  250     200   a-1 -> b-1  paired with the first attempt
 * 10  r7       server  A -> B     T0+6001  100     503   a-1 -> b-1  first attempt
 * 11  r7       server  A -> B     T0+6110  120     200   a-1 -> b-2  retry
 * 12  r8       client  A -> Z     T0+7000   30     200   a-1 -> z-1  Z = "zürich'; DROP TABLE services; --"
 * 13  r8       server  A -> Z     T0+7002   25     200
 * 14  r9       client  A -> B     T0+65000  40     200   a-1 -> b-1  next minute
 * 15  r9       server  A -> B     T0+65003  35     200
 * 16  (none)   client  A -> B     T0+8000   70     200   a-1 -> b-1  no requestId: client-only at once
 * 17  r10      client  A -> B     T0+600000 10     200   a-1 -> b-1  10:10, moves the watermark on
 * 18  r10      server  A -> B     T0+600002  8     200
 * 19  r11      client  A -> B     T0+9000   45     200   late: minute 10:00 was forgotten at 10:02:10
 * 20  a side without startTime                            dead letter
 * 21  bytes that are not a message                        dead letter
 * 22  a TCP side without endTime (ends before it starts)   dead letter
 * </pre>
 */
public final class HandCheckedScenario {
    public static final long T0 = 1_767_261_600_000L;
    public static final String Z = "zürich'; DROP TABLE services; --";
    public static final String Z_ENDPOINT = "GET:/ünïcode/'\"; --";

    /** Valid sides in the input: all of them are counted in pipeline_stats.sides. */
    public static final int VALID_SIDES = 19;

    private HandCheckedScenario() {}

    public static List<byte[]> records() {
        List<byte[]> r = new ArrayList<>();
        r.add(side("r1", true, "A", "B", 1000, 110, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r2", false, "A", "B", 2002, 50, 500, "a-1", "b-2", "GET:/items", "mTLS"));
        r.add(side("r1", false, "A", "B", 1005, 100, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r2", true, "A", "B", 2000, 55, 500, "a-1", "b-2", "GET:/items", "mTLS"));
        r.add(side("r3", true, "A", "B", 3000, 1000, 503, "a-2", "", "POST:/orders", "mTLS"));
        r.add(side("r4", false, "", "A", 4000, 20, 200, "", "a-1", "GET:/", "NONE"));
        r.add(side("r5", true, "A", "C", 5000, 300, 200, "a-1", "", "POST:/v1/charges", "TLS"));
        r.add(r.get(0));
        r.add(side("r7", true, "A", "B", 6000, 250, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r7", false, "A", "B", 6001, 100, 503, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r7", false, "A", "B", 6110, 120, 200, "a-1", "b-2", "GET:/items", "mTLS"));
        r.add(side("r8", true, "A", Z, 7000, 30, 200, "a-1", "z-1", Z_ENDPOINT, "mTLS"));
        r.add(side("r8", false, "A", Z, 7002, 25, 200, "a-1", "z-1", Z_ENDPOINT, "mTLS"));
        r.add(side("r9", true, "A", "B", 65_000, 40, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r9", false, "A", "B", 65_003, 35, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("", true, "A", "B", 8000, 70, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r10", true, "A", "B", 600_000, 10, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r10", false, "A", "B", 600_002, 8, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(side("r11", true, "A", "B", 9000, 45, 200, "a-1", "b-1", "GET:/items", "mTLS"));
        r.add(
                message(
                        metric(
                                "r12",
                                true,
                                "A",
                                "B",
                                0,
                                5,
                                200,
                                "a-1",
                                "b-1",
                                "GET:/items",
                                "mTLS")));
        r.add("not a protobuf message at all".getBytes(StandardCharsets.UTF_8));
        r.add(
                ServiceMeshMetrics.newBuilder()
                        .setTcpMetrics(
                                TCPServiceMeshMetrics.newBuilder()
                                        .addMetrics(
                                                TCPServiceMeshMetric.newBuilder()
                                                        .setStartTime(T0 + 1000)
                                                        .setSourceServiceName("A")
                                                        .setDestServiceName("db")
                                                        .setDetectPoint(DetectPoint.client)
                                                        .setSentBytes(100)))
                        .build()
                        .toByteArray());
        return r;
    }

    /**
     * The records decoded as a source decodes them, each named {@code scenario@<line - 1>} and
     * received at T0: the input of a {@link Dataflow} run.
     */
    public static List<SideBatch> batches() {
        List<byte[]> records = records();
        List<SideBatch> batches = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            batches.add(Sides.DECODER.decode(records.get(i), "scenario@" + i, T0));
        }
        return batches;
    }

    /**
     * The scenario's settings (its command line, without a database) for a {@link Dataflow} run.
     */
    public static JobSettings settings(Path dir) throws IOException {
        return JobSettings.from(
                new String[] {"--apdex.thresholds-file", thresholdsFile(dir).toString()}, Map.of());
    }

    /** The thresholds file of the scenario: B's apdex T is 80 ms. */
    public static Path thresholdsFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("apdex.txt"), "# per-service apdex T\nB: 80\n");
    }

    public static String[] options(Path thresholds, String jdbcUrl) {
        return new String[] {
            "--jdbc.url",
            jdbcUrl,
            "--parallelism",
            "2",
            "--apdex.thresholds-file",
            thresholds.toString()
        };
    }

    private static byte[] side(
            String requestId,
            boolean client,
            String source,
            String dest,
            long start,
            int latency,
            int code,
            String sourceInstance,
            String destInstance,
            String endpoint,
            String tls) {
        return message(
                metric(
                        requestId,
                        client,
                        source,
                        dest,
                        T0 + start,
                        latency,
                        code,
                        sourceInstance,
                        destInstance,
                        endpoint,
                        tls));
    }

    private static HTTPServiceMeshMetric metric(
            String requestId,
            boolean client,
            String source,
            String dest,
            long start,
            int latency,
            int code,
            String sourceInstance,
            String destInstance,
            String endpoint,
            String tls) {
        return HTTPServiceMeshMetric.newBuilder()
                .setRequestId(requestId)
                .setDetectPoint(client ? DetectPoint.client : DetectPoint.server)
                .setSourceServiceName(source)
                .setDestServiceName(dest)
                .setSourceServiceInstance(sourceInstance)
                .setDestServiceInstance(destInstance)
                .setStartTime(start)
                .setEndTime(start == 0 ? 0 : start + latency)
                .setLatency(latency)
                .setResponseCode(code)
                .setStatus(code < 500)
                .setEndpoint(endpoint)
                .setTlsMode(tls)
                .build();
    }

    private static byte[] message(HTTPServiceMeshMetric metric) {
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(metric))
                .build()
                .toByteArray();
    }

    // ------------------------------------------------------------------------------------------------
    // What the tables must hold.

    /** Asserts every table of SPEC 4 against the hand-checked values. */
    public static void assertTables(String jdbcUrl) throws SQLException {
        assertServiceMetrics(jdbcUrl);
        assertInstanceAndEndpointMetrics(jdbcUrl);
        assertServiceEdges(jdbcUrl);
        assertInstanceEdges(jdbcUrl);
        assertServices(jdbcUrl);
        assertPipelineStats(jdbcUrl);
        assertDeadLetters(jdbcUrl);
    }

    static void assertServiceMetrics(String url) throws SQLException {
        List<Map<String, Object>> b =
                Rows.query(
                        url,
                        "SELECT * FROM service_metrics WHERE service = 'B'"
                                + " ORDER BY granularity DESC, bucket_start");
        assertThat(b)
                .extracting(
                        r ->
                                r.get("granularity")
                                        + " "
                                        + r.get("bucket_start")
                                        + " "
                                        + r.get("calls"))
                .containsExactly(
                        "minute 2026-01-01 10:00:00 6", // r1, r2, r3, r7, r7's retry, the one
                        // without id
                        "minute 2026-01-01 10:01:00 1", // r9
                        "minute 2026-01-01 10:10:00 1", // r10
                        "hour 2026-01-01 10:00:00 8",
                        "day 2026-01-01 00:00:00 8");
        // Minute 10:00, server's view: 100 (r1), 50 (r2, 500), 1000 (r3, client's 503: no server),
        // 100 (r7's first attempt, 503), 120 (retry), 70 (no id).
        Map<String, Object> minute = b.get(0);
        assertMetrics(
                minute,
                6,
                3,
                1440,
                1000,
                new long[] {100, 120, 1000, 1000, 1000},
                2.0 / 6,
                3,
                0,
                0,
                3,
                0);
        // Hour and day merge the same calls: + 35 (r9) and 8 (r10), both satisfied at T = 80.
        for (Map<String, Object> merged : List.of(b.get(3), b.get(4))) {
            assertMetrics(
                    merged,
                    8,
                    3,
                    1483,
                    1000,
                    new long[] {70, 100, 1000, 1000, 1000},
                    4.0 / 8,
                    5,
                    0,
                    0,
                    3,
                    0);
        }

        List<Map<String, Object>> others =
                Rows.query(
                        url,
                        "SELECT * FROM service_metrics WHERE granularity = "
                                + "'minute' AND service <> 'B' ORDER BY service");
        assertThat(others)
                .extracting(
                        r ->
                                r.get("service")
                                        + " "
                                        + r.get("calls")
                                        + " "
                                        + r.get("latency_sum_ms")
                                        + " "
                                        + r.get("apdex"))
                .containsExactly("A 1 20 1.0", "C 1 300 1.0", Z + " 1 25 1.0");
    }

    static void assertInstanceAndEndpointMetrics(String url) throws SQLException {
        assertThat(
                        Rows.query(
                                url,
                                "SELECT service, instance, calls, errors, latency_sum_ms FROM instance_metrics"
                                        + " WHERE granularity = 'minute' AND bucket_start = "
                                        + minute0(url)
                                        + " ORDER BY service, instance"))
                .extracting(Map::values)
                .map(List::copyOf)
                .containsExactly(
                        List.of("A", "a-1", 1L, 0L, 20L),
                        List.of("B", "b-1", 3L, 1L, 270L), // r1 100, r7 100 (503), no id 70
                        List.of("B", "b-2", 2L, 1L, 170L), // r2 50 (500), retry 120
                        List.of(Z, "z-1", 1L, 0L, 25L)); // r3 and r5 have no destination instance
        assertThat(
                        Rows.query(
                                url,
                                "SELECT service, endpoint, calls, status_2xx, status_5xx FROM endpoint_metrics"
                                        + " WHERE granularity = 'hour' ORDER BY service, endpoint"))
                .extracting(Map::values)
                .map(List::copyOf)
                .containsExactly(
                        List.of("A", "GET:/", 1L, 1L, 0L),
                        List.of("B", "GET:/items", 7L, 5L, 2L),
                        List.of("B", "POST:/orders", 1L, 0L, 1L),
                        List.of("C", "POST:/v1/charges", 1L, 1L, 0L),
                        List.of(Z, Z_ENDPOINT, 1L, 1L, 0L));
    }

    static void assertServiceEdges(String url) throws SQLException {
        List<Map<String, Object>> edges =
                Rows.query(
                        url,
                        "SELECT * FROM service_edges WHERE granularity = 'minute'"
                                + " AND bucket_start = "
                                + minute0(url)
                                + " ORDER BY source_service, dest_service");
        assertThat(edges)
                .extracting(r -> r.get("source_service") + "->" + r.get("dest_service"))
                .containsExactly("A->B", "A->C", "A->" + Z, "unknown->A");

        // A->B, client's view: 110 (r1), 55 (r2, 500), 1000 (r3, 503), 250 (r7, 200), 70 (no id).
        Map<String, Object> ab = edges.get(0);
        assertMetrics(
                ab,
                5,
                2,
                1485,
                1000,
                new long[] {110, 250, 1000, 1000, 1000},
                2.0 / 5,
                3,
                0,
                0,
                2,
                0);
        assertThat(ab)
                .containsEntry("paired_calls", 3L)
                .containsEntry("client_only_calls", 2L)
                .containsEntry("server_only_calls", 0L)
                .containsEntry("server_retries", 1L)
                .containsEntry("mtls_calls", 5L)
                .containsEntry("client_latency_sum_ms", 415L) // 110 + 55 + 250
                .containsEntry("server_latency_sum_ms", 250L); // 100 + 50 + 100
        assertThat((Double) ab.get("overhead_avg_ms")).isCloseTo(55.0, within(1e-9));

        assertThat(edges.get(1))
                .containsEntry("calls", 1L)
                .containsEntry("client_only_calls", 1L)
                .containsEntry("mtls_calls", 0L)
                .containsEntry("overhead_avg_ms", null);
        assertThat(edges.get(2)).containsEntry("paired_calls", 1L).containsEntry("mtls_calls", 1L);
        assertThat((Double) edges.get(2).get("overhead_avg_ms")).isCloseTo(5.0, within(1e-9));
        assertThat(edges.get(3))
                .containsEntry("calls", 1L)
                .containsEntry("server_only_calls", 1L)
                .containsEntry("mtls_calls", 0L)
                .containsEntry("overhead_avg_ms", null);

        Map<String, Object> day =
                Rows.query(
                                url,
                                "SELECT * FROM service_edges WHERE granularity = 'day'"
                                        + " AND source_service = 'A' AND dest_service = 'B'")
                        .get(0);
        assertThat(day)
                .containsEntry("calls", 7L)
                .containsEntry("paired_calls", 5L)
                .containsEntry("client_latency_sum_ms", 465L)
                .containsEntry("server_latency_sum_ms", 293L);
    }

    static void assertInstanceEdges(String url) throws SQLException {
        assertThat(
                        Rows.query(
                                url,
                                "SELECT source_service, source_instance, dest_service, dest_instance, calls,"
                                        + " paired_calls FROM instance_edges WHERE granularity = 'minute' AND bucket_start = "
                                        + minute0(url)
                                        + " ORDER BY dest_service, dest_instance"))
                .extracting(Map::values)
                .map(List::copyOf)
                .containsExactly(
                        List.of("A", "a-1", "B", "b-1", 3L, 2L), // r1, r7 paired; no id client-only
                        List.of("A", "a-1", "B", "b-2", 1L, 1L), // r2
                        List.of("A", "a-1", Z, "z-1", 1L, 1L));
    }

    static void assertServices(String url) throws SQLException {
        assertThat(
                        Rows.query(
                                url,
                                "SELECT service, kind, first_seen, last_seen FROM services ORDER BY service"))
                .extracting(Map::values)
                .map(List::copyOf)
                .containsExactly(
                        List.of("A", "mesh", "2026-01-01 10:00:01", "2026-01-01 10:10:00"),
                        List.of("B", "mesh", "2026-01-01 10:00:01", "2026-01-01 10:10:00"),
                        List.of("C", "external", "2026-01-01 10:00:05", "2026-01-01 10:00:05"),
                        List.of("unknown", "unknown", "2026-01-01 10:00:04", "2026-01-01 10:00:04"),
                        List.of(Z, "mesh", "2026-01-01 10:00:07", "2026-01-01 10:00:07"));
    }

    static void assertPipelineStats(String url) throws SQLException {
        assertThat(
                        Rows.query(
                                url,
                                "SELECT granularity, bucket_start, sides, duplicate_sides, late_sides,"
                                        + " paired_calls, client_only_calls, server_only_calls FROM pipeline_stats"
                                        + " ORDER BY granularity DESC, bucket_start"))
                .extracting(Map::values)
                .map(List::copyOf)
                .containsExactly(
                        List.of("minute", "2026-01-01 10:00:00", 15L, 1L, 1L, 4L, 3L, 1L),
                        List.of("minute", "2026-01-01 10:01:00", 2L, 0L, 0L, 1L, 0L, 0L),
                        List.of("minute", "2026-01-01 10:10:00", 2L, 0L, 0L, 1L, 0L, 0L),
                        List.of("hour", "2026-01-01 10:00:00", 19L, 1L, 1L, 6L, 3L, 1L),
                        List.of("day", "2026-01-01 00:00:00", 19L, 1L, 1L, 6L, 3L, 1L));
    }

    static void assertDeadLetters(String url) throws SQLException {
        assertThat(Rows.query(url, "SELECT reason FROM dead_letters ORDER BY reason"))
                .extracting(r -> ((String) r.get("reason")).replaceAll(":.*", ""))
                .containsExactly("end-before-start", "late", "missing-start-time", "undecodable");
    }

    /** Checks the metric columns of SPEC 3; percentiles within 1% or 1 ms. */
    static void assertMetrics(
            Map<String, Object> row,
            long calls,
            long errors,
            long latencySum,
            long latencyMax,
            long[] percentiles,
            double apdex,
            long s2xx,
            long s3xx,
            long s4xx,
            long s5xx,
            long sOther) {
        assertThat(row)
                .containsEntry("calls", calls)
                .containsEntry("errors", errors)
                .containsEntry("latency_sum_ms", latencySum)
                .containsEntry("latency_max_ms", latencyMax)
                .containsEntry("status_2xx", s2xx)
                .containsEntry("status_3xx", s3xx)
                .containsEntry("status_4xx", s4xx)
                .containsEntry("status_5xx", s5xx)
                .containsEntry("status_other", sOther);
        String[] columns = {"p50_ms", "p75_ms", "p90_ms", "p95_ms", "p99_ms"};
        for (int i = 0; i < columns.length; i++) {
            long tolerance = Math.max(1, percentiles[i] / 100);
            assertThat((Long) row.get(columns[i]))
                    .as(columns[i])
                    .isCloseTo(percentiles[i], within(tolerance));
        }
        assertThat((Double) row.get("apdex")).isCloseTo(apdex, within(1e-9));
    }

    private static String minute0(String url) {
        return url.startsWith("jdbc:postgresql")
                ? "TIMESTAMP '2026-01-01 10:00:00'"
                : "'2026-01-01 10:00:00'";
    }
}
