package io.meshflow.job;

import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.HandCheckedScenario;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.ScenarioFile;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on a MiniCluster at parallelism 2, from a file into a real PostgreSQL and into
 * SQLite.
 */
class MeshflowJobITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir Path dir;

    @Test
    void theHandCheckedScenarioIntoPostgres() throws Exception {
        String url = Postgres.newDatabase();
        runScenario(url);
        HandCheckedScenario.assertTables(url);
        assertAnalystsQueriesRun(url);
    }

    @Test
    void theHandCheckedScenarioIntoSqlite() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        runScenario(url);
        HandCheckedScenario.assertTables(url);
        assertAnalystsQueriesRun(url);
    }

    /** sql/queries.sql promises to run unchanged on both databases, and to find something. */
    private static void assertAnalystsQueriesRun(String url) throws Exception {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("..", "sql", "queries.sql"))) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        int queries = 0;
        for (String query : sql.toString().split(";")) {
            // the TCP example finds its rows in TcpITCase: this scenario has no valid TCP side
            if (!query.isBlank() && !query.contains("tcp_")) {
                assertThat(Rows.query(url, query)).as(query).isNotEmpty();
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theHandCheckedScenarioWithStateInRocksDb() throws Exception {
        // Every state access serializes: pairing state, row accumulators and their histograms,
        // timers.
        String url = "jdbc:sqlite:" + dir.resolve("rocksdb.db");
        runScenario(url, "--state.backend", "rocksdb");
        HandCheckedScenario.assertTables(url);
    }

    @Test
    void aReplayRewritesTheSameRowsInsteadOfAddingToThem() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        runScenario(url);
        runScenario(url);
        HandCheckedScenario.assertTables(url);
    }

    /**
     * The simulator source and every sink; MeshflowPipelineITCase counts the sides of a larger
     * simulated mesh without a database.
     */
    @Test
    void theSimulatorFillsEveryTableAndLosesNoSide() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("sim.db");
        int code =
                MeshflowJob.execute(
                        new String[] {
                            "--generator.requests", "300", "--jdbc.url", url, "--parallelism", "2"
                        },
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        System.err);
        assertThat(code).isZero();

        for (String table :
                new String[] {
                    "service_metrics",
                    "instance_metrics",
                    "endpoint_metrics",
                    "service_edges",
                    "instance_edges",
                    "tcp_service_edges",
                    "tcp_instance_edges",
                    "services",
                    "pipeline_stats"
                }) {
            assertThat(Rows.count(url, "SELECT COUNT(*) FROM " + table)).as(table).isPositive();
        }
        // Every side is counted: in a call (paired calls have two, retries one more), as a TCP
        // connection's side, as duplicate or late.
        Map<String, Object> day =
                Rows.query(
                                url,
                                "SELECT SUM(sides) AS sides, SUM(duplicate_sides) AS dup,"
                                        + " SUM(late_sides) AS late, SUM(paired_calls) AS paired, SUM(client_only_calls) AS co,"
                                        + " SUM(server_only_calls) AS so FROM pipeline_stats WHERE granularity = 'day'")
                        .get(0);
        long retries =
                Rows.count(
                        url,
                        "SELECT SUM(server_retries) FROM service_edges WHERE granularity = 'day'");
        long tcpSides =
                Rows.count(
                        url,
                        "SELECT SUM(client_connections + server_connections) FROM tcp_service_edges"
                                + " WHERE granularity = 'day'");
        long calls = (Long) day.get("paired") + (Long) day.get("co") + (Long) day.get("so");
        assertThat(calls).as("one call per simulated request").isEqualTo(300);
        assertThat((Long) day.get("sides"))
                .isEqualTo(
                        2 * (Long) day.get("paired")
                                + (Long) day.get("co")
                                + (Long) day.get("so")
                                + retries
                                + tcpSides
                                + (Long) day.get("dup")
                                + (Long) day.get("late"));
        assertThat(Rows.count(url, "SELECT COUNT(*) FROM dead_letters")).isZero();
    }

    private void runScenario(String jdbcUrl, String... more) throws Exception {
        Path input = ScenarioFile.write(dir.resolve("scenario.bin"), HandCheckedScenario.records());
        Path thresholds = HandCheckedScenario.thresholdsFile(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] options = HandCheckedScenario.options(thresholds, jdbcUrl);
        String[] args = new String[options.length + 2 + more.length];
        args[0] = "--input";
        args[1] = input.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        System.arraycopy(more, 0, args, 2 + options.length, more.length);

        int code =
                MeshflowJob.execute(
                        args,
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }
}
