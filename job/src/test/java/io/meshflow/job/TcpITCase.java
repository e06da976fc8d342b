package io.meshflow.job;

import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.ScenarioFile;
import io.meshflow.job.testing.TcpScenario;
import io.meshflow.sink.Dialect;
import io.meshflow.sink.OutputTable;
import io.meshflow.sink.OutputTables;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP connections mixed with HTTP calls ({@link TcpScenario}), through the whole job at parallelism
 * 2: from a file into SQLite and into a real PostgreSQL, and through a real Kafka broker.
 */
class TcpITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir Path dir;

    @Test
    void tcpAndHttpFromOneFileIntoSqlite() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("tcp.db");
        run(
                url,
                "--input",
                ScenarioFile.write(dir.resolve("tcp.bin"), TcpScenario.records()).toString());
        TcpScenario.assertTables(url);
        assertTheTcpExampleQueriesFindRows(url);
    }

    /** The database was made by a job from before TCP: the job adds the tcp_* tables. */
    @Test
    void tcpAndHttpFromOneFileIntoPostgres() throws Exception {
        String url = Postgres.newDatabase();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            for (OutputTable<?> table : OutputTables.all()) {
                if (!table.name().startsWith("tcp_")) {
                    s.execute(table.createTable(Dialect.POSTGRES, false));
                }
            }
        }
        assertThat(Rows.query(url, "SELECT to_regclass('tcp_service_edges') AS t"))
                .singleElement()
                .satisfies(r -> assertThat(r.get("t")).isNull());
        run(
                url,
                "--input",
                ScenarioFile.write(dir.resolve("tcp.bin"), TcpScenario.records()).toString());
        TcpScenario.assertTables(url);
    }

    @Test
    void tcpAndHttpFromOneKafkaTopicIntoPostgres() throws Exception {
        // One partition keeps the scenario's order, on which its late side depends.
        String topic = Kafka.newTopic(1);
        Kafka.produce(topic, 1, TcpScenario.records());
        String url = Postgres.newDatabase();
        run(
                url,
                "--kafka.bootstrap-servers",
                Kafka.bootstrapServers(),
                "--kafka.topic",
                topic,
                "--kafka.bounded",
                "true");
        TcpScenario.assertTables(url);
        // records 11 (the late side) and 12 (the side without destination), by offset
        assertThat(Rows.query(url, "SELECT origin FROM dead_letters ORDER BY origin"))
                .extracting(r -> r.get("origin"))
                .containsExactly(topic + "/0/10", topic + "/0/11");
    }

    /** sql/queries.sql's TCP example runs unchanged on both databases and finds the edges. */
    private static void assertTheTcpExampleQueriesFindRows(String url) throws Exception {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("..", "sql", "queries.sql"))) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> tcpQueries =
                Arrays.stream(sql.toString().split(";")).filter(q -> q.contains("tcp_")).toList();
        assertThat(tcpQueries).isNotEmpty();
        for (String query : tcpQueries) {
            // the day rows: app -> db (4311 bytes from the server end), app -> cache, unknown -> db
            assertThat(Rows.query(url, query))
                    .as(query)
                    .extracting(r -> r.get("dest_service") + " " + r.get("bytes"))
                    .containsExactly("db 4311", "cache 120", "db 30");
        }
    }

    private static void run(String jdbcUrl, String... input) throws Exception {
        String[] options = {"--jdbc.url", jdbcUrl, "--parallelism", "2"};
        String[] args = new String[input.length + options.length];
        System.arraycopy(input, 0, args, 0, input.length);
        System.arraycopy(options, 0, args, input.length, options.length);
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
