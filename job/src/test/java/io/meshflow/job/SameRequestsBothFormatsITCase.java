package io.meshflow.job;

import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Rows;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's claim that mesh metrics and trace metrics are the same, checked: the simulator's
 * requests, run by the default job on its generator once as SkyWalking sides and once as OTLP spans
 * ({@code --format otlp}), give the same rows wherever both formats carry the same facts. Where
 * they do not: spans say nothing of mTLS; a SERVER span does not name its caller, so a call whose
 * caller did not report is on {@code unknown -> dest} instead of {@code source -> dest}; gRPC
 * endpoints are {@code pkg.Svc/Method} without SkyWalking's leading slash; the spans of internal
 * work count in ignored_spans.
 */
class SameRequestsBothFormatsITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    private static final String REQUESTS = "20000";

    @TempDir static Path dir;

    private static String sides;
    private static String spans;

    @BeforeAll
    static void runBoth() {
        sides = "jdbc:sqlite:" + dir.resolve("skywalking.db");
        spans = "jdbc:sqlite:" + dir.resolve("otlp.db");
        run("--format", "skywalking", "--jdbc.url", sides);
        run("--format", "otlp", "--jdbc.url", spans);
    }

    @Test
    void nodeTablesAreTheSame() throws Exception {
        String sql = "SELECT * FROM service_metrics ORDER BY 1, 2, 3";
        List<Map<String, Object>> expected = Rows.query(sides, sql);
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(Rows.query(spans, sql)).isEqualTo(expected);

        // A CLIENT span does not know its callee's instance: a client-only call to a mesh service
        // has an instance in SkyWalking, none in spans. Every other call is on the same instance.
        String instanceCalls = "SELECT SUM(calls) FROM instance_metrics WHERE granularity = 'day'";
        String clientOnlyToInstances =
                "SELECT SUM(client_only_calls) FROM service_edges WHERE granularity = 'day'"
                        + " AND dest_service IN (SELECT service FROM instance_metrics)";
        assertThat(Rows.count(sides, clientOnlyToInstances)).isPositive();
        assertThat(Rows.count(spans, instanceCalls))
                .isEqualTo(
                        Rows.count(sides, instanceCalls)
                                - Rows.count(sides, clientOnlyToInstances));
        String serverViews =
                "SELECT granularity, bucket_start, service, instance FROM instance_metrics"
                        + " ORDER BY 1, 2, 3, 4";
        assertThat(Rows.query(sides, serverViews)).containsAll(Rows.query(spans, serverViews));
        String endpoints =
                "SELECT granularity, bucket_start, service, CASE WHEN endpoint LIKE '/%' THEN"
                        + " substr(endpoint, 2) ELSE endpoint END AS endpoint, calls, errors,"
                        + " latency_sum_ms, latency_max_ms, p50_ms, p99_ms, apdex FROM"
                        + " endpoint_metrics ORDER BY 1, 2, 3, 4";
        assertThat(Rows.query(spans, endpoints)).isEqualTo(Rows.query(sides, endpoints));
    }

    @Test
    void pipelineStatsAreTheSameButForIgnoredSpans() throws Exception {
        String calls =
                "SELECT granularity, bucket_start, late_sides, paired_calls, client_only_calls,"
                        + " server_only_calls FROM pipeline_stats ORDER BY 1, 2";
        List<Map<String, Object>> expected = Rows.query(sides, calls);
        assertThat(Rows.query(spans, calls)).isEqualTo(expected);
        // The generator's SkyWalking traffic has TCP connections too, spans have none: each bucket
        // has as many more sides as the TCP tables counted, plus TCP redeliveries, which show as
        // the difference in duplicate_sides.
        String sideCounts =
                "SELECT p.granularity, p.bucket_start, p.sides, p.duplicate_sides,"
                        + " (SELECT COALESCE(SUM(t.client_connections + t.server_connections), 0)"
                        + " FROM tcp_service_edges t WHERE t.granularity = p.granularity"
                        + " AND t.bucket_start = p.bucket_start) AS tcp FROM pipeline_stats p"
                        + " ORDER BY 1, 2";
        List<Map<String, Object>> withTcp = Rows.query(sides, sideCounts);
        List<Map<String, Object>> withoutTcp = Rows.query(spans, sideCounts);
        assertThat(withTcp).hasSameSizeAs(withoutTcp);
        for (int i = 0; i < withTcp.size(); i++) {
            Map<String, Object> a = withTcp.get(i);
            Map<String, Object> b = withoutTcp.get(i);
            assertThat(b.get("tcp")).isEqualTo(0L);
            long tcpDuplicates = (Long) a.get("duplicate_sides") - (Long) b.get("duplicate_sides");
            assertThat(tcpDuplicates).as("TCP redeliveries in " + a).isNotNegative();
            assertThat((Long) a.get("sides") - (Long) b.get("sides"))
                    .as("the TCP sides of " + a)
                    .isEqualTo((Long) a.get("tcp") + tcpDuplicates);
        }
        assertThat(Rows.count(sides, "SELECT SUM(ignored_spans) FROM pipeline_stats")).isZero();
        assertThat(
                        Rows.count(
                                spans,
                                "SELECT SUM(ignored_spans) FROM pipeline_stats"
                                        + " WHERE granularity = 'day'"))
                .as("about a quarter of 20000 requests carry internal work")
                .isBetween(4_000L, 6_000L);
        assertThat(Rows.count(spans, "SELECT COUNT(*) FROM dead_letters")).isZero();
    }

    @Test
    void edgesAreTheSameWhereTheCallerIsNamed() throws Exception {
        String named =
                "SELECT granularity, bucket_start, source_service, dest_service, paired_calls,"
                        + " client_only_calls, server_retries, client_latency_sum_ms,"
                        + " server_latency_sum_ms FROM service_edges WHERE paired_calls +"
                        + " client_only_calls + server_retries > 0 ORDER BY 1, 2, 3, 4";
        List<Map<String, Object>> expected = Rows.query(sides, named);
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(Rows.query(spans, named)).isEqualTo(expected);

        // a server-only call is on source -> dest in SkyWalking, on unknown -> dest in spans
        String serverOnly =
                "SELECT granularity, bucket_start, dest_service, SUM(server_only_calls) AS calls"
                        + " FROM service_edges GROUP BY 1, 2, 3 HAVING SUM(server_only_calls) > 0"
                        + " ORDER BY 1, 2, 3";
        assertThat(Rows.query(spans, serverOnly)).isEqualTo(Rows.query(sides, serverOnly));
        assertThat(
                        Rows.count(
                                spans,
                                "SELECT COUNT(*) FROM service_edges WHERE server_only_calls > 0"
                                        + " AND source_service <> 'unknown'"))
                .isZero();
        assertThat(Rows.count(sides, "SELECT SUM(mtls_calls) FROM service_edges")).isPositive();
        assertThat(Rows.count(spans, "SELECT SUM(mtls_calls) FROM service_edges")).isZero();
    }

    private static void run(String... options) {
        String[] args = new String[options.length + 4];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = "--generator.requests";
        args[options.length + 1] = REQUESTS;
        args[options.length + 2] = "--parallelism";
        args[options.length + 3] = "2";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args,
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }
}
