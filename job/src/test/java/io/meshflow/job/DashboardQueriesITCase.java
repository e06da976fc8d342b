package io.meshflow.job;

import io.meshflow.job.testing.Postgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.meshflow.job.DockerFiles.SCHEMA;
import static io.meshflow.job.DockerFiles.panels;
import static io.meshflow.job.DockerFiles.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Every query of the Grafana dashboard, with Grafana's macros expanded as its PostgreSQL data
 * source does, runs on a real PostgreSQL (embedded) holding {@code sql/schema-postgres.sql} and a
 * small mesh, and returns what its panel needs: the honest check that it names only tables and
 * columns of the schema.
 */
class DashboardQueriesITCase {
    private static final String FROM = "2026-01-01T00:00:00Z";
    private static final String TO = "2026-01-01T01:00:00Z";

    private static Connection connection;
    private static Statement s;

    @BeforeAll
    static void loadSchemaAndASmallMesh() throws Exception {
        connection = DriverManager.getConnection(Postgres.newDatabase());
        s = connection.createStatement();
        s.execute(Files.readString(SCHEMA));
        s.execute(
                """
                INSERT INTO services VALUES
                  ('unknown', 'unknown', '2026-01-01 00:30:00', '2026-01-01 00:31:00'),
                  ('frontend', 'mesh', '2026-01-01 00:30:00', '2026-01-01 00:31:00'),
                  ('reviews', 'mesh', '2026-01-01 00:30:00', '2026-01-01 00:31:00'),
                  ('payments', 'external', '2026-01-01 00:30:00', '2026-01-01 00:31:00');
                INSERT INTO service_metrics VALUES
                  ('minute', '2026-01-01 00:30:00', 'frontend', 100, 2, 1000, 90, 8, 9, 12, 20, 80, 0.97,
                   98, 0, 0, 2, 0),
                  ('minute', '2026-01-01 00:31:00', 'frontend', 50, 0, 500, 40, 8, 9, 12, 20, 30, 1.0,
                   50, 0, 0, 0, 0),
                  ('minute', '2026-01-01 00:30:00', 'reviews', 80, 0, 400, 20, 4, 5, 6, 7, 15, 1.0,
                   80, 0, 0, 0, 0),
                  ('minute', '2026-01-01 00:30:00', 'payments', 10, 10, 100, 10, 10, 10, 10, 10, 10, 0.0,
                   0, 0, 0, 0, 10),
                  ('minute', '2026-01-02 00:30:00', 'outside-the-range', 1, 0, 1, 1, 1, 1, 1, 1, 1, 1.0,
                   1, 0, 0, 0, 0);
                INSERT INTO service_edges VALUES
                  ('minute', '2026-01-01 00:30:00', 'unknown', 'frontend', 100, 2, 1000, 90, 8, 9, 12, 20, 80,
                   0.97, 98, 0, 0, 2, 0, 0, 0, 100, 0, 0, 0, 0, NULL),
                  ('minute', '2026-01-01 00:30:00', 'frontend', 'reviews', 80, 0, 480, 22, 5, 6, 7, 8, 17,
                   1.0, 80, 0, 0, 0, 0, 80, 0, 0, 1, 80, 480, 400, 1.0),
                  ('minute', '2026-01-01 00:30:00', 'frontend', 'payments', 10, 10, 100, 10, 10, 10, 10, 10,
                   10, 0.0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 0, NULL);
                INSERT INTO tcp_service_edges VALUES
                  ('minute', '2026-01-01 00:30:00', 'reviews', 'mysql', 3, 3, 1, 3, 600, 12000, 12000,
                   600, 240, 90),
                  ('minute', '2026-01-01 00:31:00', 'unknown', 'mysql', 0, 1, 0, 0, 0, 0, 800000,
                   50000, 2000, 2000);
                """);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @Test
    void everyDashboardQueryRunsOnPostgresAndGivesItsPanelTheColumnsItNeeds() {
        for (Map<String, Object> panel : panels()) {
            String title = String.valueOf(panel.get("title"));
            Map<String, List<Map<String, Object>>> frames = new HashMap<>();
            for (Map<String, Object> target : targets(panel)) {
                String where = title + " " + target.get("refId");
                String sql = expandMacros(String.valueOf(target.get("rawSql")));
                List<Map<String, Object>> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery(sql)) {
                    ResultSetMetaData meta = r.getMetaData();
                    List<String> labels = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        labels.add(meta.getColumnLabel(i));
                    }
                    if (panel.get("type").equals("timeseries")) {
                        assertThat(labels).as(where).containsExactly("time", "metric", "value");
                        assertThat(meta.getColumnType(1)).isEqualTo(Types.TIMESTAMP);
                    }
                    while (r.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (String label : labels) {
                            row.put(label, r.getObject(label));
                        }
                        rows.add(row);
                    }
                } catch (SQLException e) {
                    throw new AssertionError(where + ": " + e.getMessage() + "\n" + sql, e);
                }
                assertThat(rows).as(where + " returns rows").isNotEmpty();
                frames.put(String.valueOf(target.get("refId")), rows);
            }
            if (panel.get("type").equals("timeseries")) {
                assertThat(frames.get("A"))
                        .extracting(row -> row.get("metric"))
                        .containsOnly("frontend", "reviews", "payments");
            }
            if (panel.get("type").equals("nodeGraph")) {
                checkNodeGraphFrames(frames.get("nodes"), frames.get("edges"));
            }
        }
    }

    /** A typo put into a copy of the dashboard's real queries fails on PostgreSQL. */
    @Test
    void aTypoInACopyOfTheDashboardIsCaught() {
        List<String> queries = new ArrayList<>();
        String nodes = null;
        for (Map<String, Object> panel : panels()) {
            for (Map<String, Object> target : targets(panel)) {
                queries.add(String.valueOf(target.get("rawSql")));
                if (target.get("refId").equals("nodes")) {
                    nodes = String.valueOf(target.get("rawSql"));
                }
            }
        }
        assertThat(nodes).contains("p99_ms").contains("FROM service_metrics");
        assertFailsOnPostgres(nodes.replace("p99_ms", "p99ms"));
        assertFailsOnPostgres(nodes.replace("FROM service_metrics", "FROM service_metric"));
        assertThat(queries).isNotEmpty();
        for (String sql : queries) {
            assertFailsOnPostgres(sql.replace("bucket_start", "bucket_begin"));
        }
    }

    private static void assertFailsOnPostgres(String sql) {
        assertThatThrownBy(() -> s.executeQuery(expandMacros(sql)).close())
                .as(sql)
                .isInstanceOf(SQLException.class);
    }

    /** The node graph fails on an edge whose end is not a node; arcs must add up to 1. */
    private static void checkNodeGraphFrames(
            List<Map<String, Object>> nodes, List<Map<String, Object>> edges) {
        assertThat(nodes.get(0)).containsKeys("id", "title", "mainstat");
        assertThat(edges.get(0)).containsKeys("id", "source", "target", "mainstat");
        Set<Object> ids = new HashSet<>();
        for (Map<String, Object> node : nodes) {
            assertThat(ids.add(node.get("id")))
                    .as("node ids are unique: " + node.get("id"))
                    .isTrue();
            double arcs =
                    node.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("arc__"))
                            .mapToDouble(e -> ((Number) e.getValue()).doubleValue())
                            .sum();
            assertThat(arcs).as(node.get("id") + ": arcs").isCloseTo(1.0, within(1e-9));
        }
        Set<Object> edgeIds = new HashSet<>();
        for (Map<String, Object> edge : edges) {
            assertThat(edgeIds.add(edge.get("id"))).as("edge ids are unique").isTrue();
            assertThat(ids)
                    .as("both ends of " + edge.get("id") + " are nodes")
                    .contains(edge.get("source"), edge.get("target"));
        }
        assertThat(edges).hasSize(3);
        assertThat(ids).containsExactlyInAnyOrder("unknown", "frontend", "reviews", "payments");
    }

    /** Grafana's PostgreSQL macros, expanded the way its data source does for FROM..TO. */
    private static String expandMacros(String sql) {
        String expanded =
                sql.replaceAll(
                                "\\$__timeFilter\\(([^)]+)\\)",
                                "$1 BETWEEN '" + FROM + "' AND '" + TO + "'")
                        .replace("$__timeFrom()", "'" + FROM + "'")
                        .replace("$__timeTo()", "'" + TO + "'");
        assertThat(expanded)
                .as("a Grafana macro or variable this test does not expand")
                .doesNotContain("$");
        return expanded;
    }
}
