package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.TopologyDatabase;
import io.meshflow.job.tools.Graph;
import io.meshflow.sink.Dialect;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.Map;

import static io.meshflow.job.graph.TopologyQueryTest.byId;
import static io.meshflow.job.graph.TopologyQueryTest.byService;
import static io.meshflow.job.testing.TopologyDatabase.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The same window of the same small mesh read from a real PostgreSQL (TIMESTAMP buckets, its own
 * table catalogue) gives what SQLite gives.
 */
class TopologyQueryPostgresITCase {
    @TempDir Path dir;

    @Test
    void theWindowMergesAsOnSqlite() throws Exception {
        String url = Postgres.newDatabase();
        TopologyDatabase.writeSmallMesh(url);

        try (Connection c = DriverManager.getConnection(url)) {
            TopologyQuery query = new TopologyQuery(c, Dialect.POSTGRES);
            assertThat(query.lastHour(null))
                    .isEqualTo(
                            new Window(
                                    Granularity.MINUTE,
                                    TopologyDatabase.EARLY,
                                    Instant.parse("2026-01-01T10:32:00Z")));
            Topology topology =
                    query.read(new Window(Granularity.MINUTE, HOUR, HOUR.plusSeconds(3600)));

            assertThat(topology.hasTcp()).isFalse();
            assertThat(byService(topology)).containsOnlyKeys(TopologyDatabase.SERVICES.keySet());
            assertThat(byService(topology).get("payments").kind()).isEqualTo("external");
            Map<String, Edge> edges = byId(topology);
            assertThat(edges).containsOnlyKeys(TopologyDatabase.EDGES);
            Edge edge = edges.get("frontend -> reviews");
            assertThat(edge.calls()).isEqualTo(150);
            assertThat(edge.errors()).isEqualTo(7);
            assertThat(edge.p99MaxMs()).isEqualTo(120);
            assertThat(edge.overheadAvgMs()).isCloseTo(2.5, within(1e-9));
            assertThat(edges.get("reviews -> payments").overheadAvgMs()).isNull();

            TopologyDatabase.addTcpTable(url);
            Topology withTcp =
                    query.read(new Window(Granularity.MINUTE, HOUR, HOUR.plusSeconds(3600)));
            assertThat(withTcp.hasTcp()).isTrue();
            assertThat(byId(withTcp).get("frontend -> reviews").tcpBytes()).isEqualTo(2000);
            assertThat(byId(withTcp).get("reviews -> mysql").tcpBytes()).isEqualTo(4096);
        }
    }

    @Test
    void theCommandWritesTheHourRowsOfPostgres() throws Exception {
        String url = Postgres.newDatabase();
        TopologyDatabase.writeSmallMesh(url);
        Path dot = dir.resolve("t.dot");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code =
                Graph.execute(
                        new String[] {
                            "--jdbc.url",
                            url,
                            "--from",
                            "2026-01-01T10:00:00Z",
                            "--out",
                            dot.toString()
                        },
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readString(dot))
                .contains("(1 hour bucket)")
                .contains("\"frontend\" -> \"reviews\" [label=\"150 · 4.7% · p99 110ms · +2.5ms\"");
    }
}
