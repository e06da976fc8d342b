package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.graph.Topology.Node;
import io.meshflow.job.testing.TopologyDatabase;
import io.meshflow.sink.Dialect;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.meshflow.job.testing.TopologyDatabase.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Reading and merging a window of the results database (SQLite, tables made by the job's own table
 * creation), and the DOT file of it.
 */
class TopologyQueryTest {
    private static final Instant END = HOUR.plusSeconds(3600);

    @TempDir Path dir;
    private String url;

    @BeforeEach
    void writeTheSmallMesh() throws SQLException {
        url = "jdbc:sqlite:" + dir.resolve("results.db");
        TopologyDatabase.writeSmallMesh(url);
    }

    @Test
    void sumsCountersTakesTheLargestP99AndWeighsTheOverheadByPairedCalls() throws SQLException {
        Topology topology = read(new Window(Granularity.MINUTE, HOUR, END));

        Map<String, Edge> edges = byId(topology);
        assertThat(edges).containsOnlyKeys(TopologyDatabase.EDGES);
        Edge frontendToReviews = edges.get("frontend -> reviews");
        assertThat(frontendToReviews.calls()).isEqualTo(150); // 09:59's 1000 are outside
        assertThat(frontendToReviews.errors()).isEqualTo(7);
        assertThat(frontendToReviews.p99MaxMs()).isEqualTo(120);
        assertThat(frontendToReviews.overheadAvgMs()).isCloseTo(2.5, within(1e-9));
        assertThat(frontendToReviews.tcpBytes()).isNull();
        Edge clientOnly = edges.get("reviews -> payments");
        assertThat(clientOnly.overheadAvgMs()).as("no paired calls, no overhead").isNull();
        assertThat(clientOnly.errorRate()).isCloseTo(0.1, within(1e-9));

        Map<String, Node> nodes = byService(topology);
        assertThat(nodes).containsOnlyKeys(TopologyDatabase.SERVICES.keySet());
        nodes.forEach(
                (service, node) ->
                        assertThat(node.kind()).isEqualTo(TopologyDatabase.SERVICES.get(service)));
        assertThat(nodes.get("reviews").calls()).isEqualTo(150);
        assertThat(nodes.get("reviews").errors()).isEqualTo(7);
        assertThat(nodes.get("reviews").p99MaxMs()).isEqualTo(120);
        assertThat(nodes.get("unknown").calls()).as("only ever a caller").isZero();
        assertThat(topology.hasTcp()).isFalse();
    }

    @Test
    void theDefaultWindowIsTheLastHourOfDataInMinutes() throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            Window window = new TopologyQuery(c, Dialect.SQLITE).lastHour(null);
            // the newest minute is 10:31 and the oldest 09:59: the window is their span
            assertThat(window)
                    .isEqualTo(
                            new Window(
                                    Granularity.MINUTE,
                                    TopologyDatabase.EARLY,
                                    Instant.parse("2026-01-01T10:32:00Z")));
            assertThat(byId(new TopologyQuery(c, Dialect.SQLITE).read(window)))
                    .extractingByKey("frontend -> reviews")
                    .extracting(Edge::calls)
                    .isEqualTo(1150L);
        }
    }

    @Test
    void wholeHoursReadTheHourRowsWhoseP99IsExact() throws SQLException {
        assertThat(Window.coarsestTiling(HOUR, END)).isEqualTo(Granularity.HOUR);
        assertThat(Window.coarsestTiling(HOUR, END.plusSeconds(60))).isEqualTo(Granularity.MINUTE);
        assertThat(Window.coarsestTiling(HOUR.minusSeconds(36000), END.plusSeconds(46800)))
                .isEqualTo(Granularity.DAY);

        Topology topology = read(new Window(Granularity.HOUR, HOUR, END));
        assertThat(byId(topology)).containsOnlyKeys("frontend -> reviews");
        assertThat(byId(topology).get("frontend -> reviews").p99MaxMs()).isEqualTo(110);
    }

    @Test
    void tcpBytesComeFromTheEndThatReportedMoreAndTcpOnlyPairsAreEdges() throws SQLException {
        TopologyDatabase.addTcpTable(url);
        Topology topology = read(new Window(Granularity.MINUTE, HOUR, END));

        assertThat(topology.hasTcp()).isTrue();
        Map<String, Edge> edges = byId(topology);
        assertThat(edges.get("frontend -> reviews").tcpBytes()).isEqualTo(2000);
        assertThat(edges.get("reviews -> ratings").tcpBytes()).isNull();
        Edge tcpOnly = edges.get("reviews -> mysql");
        assertThat(tcpOnly.calls()).isZero();
        assertThat(tcpOnly.tcpBytes()).isEqualTo(4096);
        assertThat(byService(topology).get("mysql").kind()).isEqualTo("external");
        assertThat(Labels.edge(tcpOnly)).isEqualTo("tcp 4.0KB");
    }

    @Test
    void theDotFileHasEveryServiceAndEdgeWithItsNumbers() throws SQLException {
        String dot = DotFile.render(read(new Window(Granularity.MINUTE, HOUR, END)));

        assertThat(dot).startsWith("// meshflow topology, 2026-01-01 10:00 – 11:00 UTC");
        assertThat(dot).contains("digraph topology {").endsWith("}\n");
        for (var service : TopologyDatabase.SERVICES.entrySet()) {
            assertThat(dot)
                    .contains("  \"" + service.getKey() + "\" [label=\"" + service.getKey())
                    .contains("kind=\"" + service.getValue() + "\"");
        }
        for (String edge : TopologyDatabase.EDGES) {
            String[] ends = edge.split(" -> ");
            assertThat(dot).contains("  \"" + ends[0] + "\" -> \"" + ends[1] + "\" [label=");
        }
        assertThat(dot)
                .contains("\"frontend\" -> \"reviews\" [label=\"150 · 4.7% · p99 120ms · +2.5ms\"")
                .contains("\"reviews\" [label=\"reviews\\n150 calls · 4.7% err\\np99 120 ms\"")
                .contains("\"reviews\" -> \"payments\" [label=\"10 · 10% · p99 400ms\"");
        assertThat(DotFile.quote("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
    }

    private Topology read(Window window) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return new TopologyQuery(c, Dialect.SQLITE).read(window);
        }
    }

    static Map<String, Edge> byId(Topology topology) {
        return topology.edges().stream().collect(Collectors.toMap(Edge::id, Function.identity()));
    }

    static Map<String, Node> byService(Topology topology) {
        return topology.nodes().stream()
                .collect(Collectors.toMap(Node::service, Function.identity()));
    }
}
