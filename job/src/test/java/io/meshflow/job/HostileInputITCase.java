package io.meshflow.job;

import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.ScenarioFile;
import io.meshflow.job.testing.Tables;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input that used to cost data or kill the job: one far-future clock moved the watermark for
 * everyone; a NUL byte, a name longer than PostgreSQL's index key or a start time beyond its
 * timestamps failed every batch on PostgreSQL while SQLite stored it. Now both databases give the
 * same tables, every valid side counts, and the rest is in dead_letters.
 */
class HostileInputITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    private static final long YEAR_3000 = 32_503_680_000_000L;

    @TempDir static Path dir;

    private static Path file;
    private static long validSides;

    @BeforeAll
    static void writeTheFile() throws Exception {
        MeshSimulator simulator = new MeshSimulator(11);
        List<byte[]> records = new ArrayList<>();
        for (int n = 0; n < 3_000; n++) {
            ServiceMeshMetrics request = simulator.request(n);
            validSides += request.getHttpMetrics().getMetricsCount();
            records.add(request.toByteArray());
            HTTPServiceMeshMetric side = request.getHttpMetrics().getMetrics(0);
            switch (n) {
                case 500 -> {
                    // one producer's clock: a thousand years ahead, in microseconds, the end of
                    // time
                    records.add(record(side.toBuilder().setStartTime(YEAR_3000)));
                    records.add(record(side.toBuilder().setStartTime(side.getStartTime() * 1000)));
                    records.add(record(side.toBuilder().setStartTime(Long.MAX_VALUE)));
                }
                case 700 -> records.add(record(side.toBuilder().setEndpoint("GET:/\u0000")));
                case 900 -> {
                    records.add(
                            record(
                                    side.toBuilder()
                                            .setRequestId("long-endpoint")
                                            .setEndpoint("GET:/" + "x".repeat(3_000))));
                    validSides++;
                }
                case 1_100 -> {
                    records.add(
                            record(
                                    side.toBuilder()
                                            .setRequestId("long-service")
                                            .setSourceServiceName("ü".repeat(500_000))));
                    validSides++;
                }
                default -> {}
            }
        }
        file = ScenarioFile.write(dir.resolve("hostile.pb"), records);
    }

    @Test
    void bothDatabasesStoreTheSameTablesAndLoseNothing() throws Exception {
        String sqlite = "jdbc:sqlite:" + dir.resolve("results.db");
        String postgres = Postgres.newDatabase();
        run(sqlite);
        run(postgres);

        for (String url : List.of(sqlite, postgres)) {
            assertThat(Rows.count(url, "SELECT SUM(late_sides) FROM pipeline_stats"))
                    .as("no side is late because of one wrong clock")
                    .isZero();
            assertThat(
                            Rows.count(
                                    url,
                                    "SELECT SUM(sides) FROM pipeline_stats WHERE granularity = 'day'"))
                    .isEqualTo(validSides);
            assertThat(
                            Rows.query(url, "SELECT reason FROM dead_letters").stream()
                                    .map(r -> r.get("reason"))
                                    .sorted()
                                    .toList())
                    .containsExactly(
                            "future-start-time",
                            "future-start-time",
                            "future-start-time",
                            "invalid-name");
            assertThat(
                            Rows.count(
                                    url,
                                    "SELECT COUNT(*) FROM endpoint_metrics WHERE endpoint = 'GET:/"
                                            + "x".repeat(507)
                                            + "'"))
                    .as("the long endpoint, cut at 512 bytes")
                    .isEqualTo(3);
        }
        Map<String, List<String>> inSqlite = Tables.snapshot(sqlite, "9999", List.of());
        Map<String, List<String>> inPostgres = Tables.snapshot(postgres, "9999", List.of());
        assertThat(Tables.difference(inSqlite, inPostgres)).isEmpty();
    }

    private static void run(String url) {
        Runs.runOk("--input", file.toString(), "--jdbc.url", url, "--parallelism", "2");
    }

    private static byte[] record(HTTPServiceMeshMetric.Builder side) {
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(side))
                .build()
                .toByteArray();
    }
}
