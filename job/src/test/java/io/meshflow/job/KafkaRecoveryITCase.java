package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.testing.FailureFreeComparison;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.LogCapture;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.meshflow.job.testing.FailureFreeComparison.PARTITIONS;
import static io.meshflow.job.testing.FailureFreeComparison.awaitRowsAndACheckpoint;
import static io.meshflow.job.testing.FailureFreeComparison.committedOffsets;
import static io.meshflow.job.testing.FailureFreeComparison.produceClock;
import static io.meshflow.job.testing.FailureFreeComparison.produceFirstPart;
import static io.meshflow.job.testing.FailureFreeComparison.produceRest;
import static io.meshflow.job.testing.FailureFreeComparison.trafficSize;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once in effect: after a failure and a restart from the last checkpoint, the tables end
 * exactly as a failure-free run's. Each test runs unbounded Kafka input at parallelism 2 on two
 * TaskManagers and compares with the same traffic read from a file.
 */
class KafkaRecoveryITCase {
    /** Spare slots: a restarted attempt need not wait for a failed one to finish cancelling. */
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(2, 2);

    private static FailureFreeComparison comparison;

    @TempDir Path dir;

    @BeforeAll
    static void runWithoutFailure(@TempDir Path dir) throws Exception {
        comparison =
                FailureFreeComparison.runWithoutFailure(
                        dir, "jdbc:sqlite:" + dir.resolve("reference.db"));
    }

    @Test
    void aKilledTaskManagerIsRecoveredFrom(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("killed.db");
        Run run = start(url);
        produceFirstPart(run.topic);
        awaitRowsAndACheckpoint(run.url, run.group);

        long killed = System.nanoTime();
        miniCluster.terminateTaskManager(0).get();
        miniCluster.startTaskManager();
        produceRest(run.topic);
        produceClock(run.topic);

        awaitTablesEqualFailureFree(run);
        System.out.printf(
                "recovery: tables complete %.1f s after the TaskManager was killed%n",
                (System.nanoTime() - killed) / 1e9);
    }

    @Test
    void aDatabaseOutageIsWaitedOut() throws Exception {
        int port = freePort();
        Path data = Files.createDirectories(dir.resolve("pg"));
        EmbeddedPostgres postgres = postgres(port, data);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        Run run = start(url);
        try (LogCapture log = LogCapture.capture()) {
            produceFirstPart(run.topic);
            awaitRowsAndACheckpoint(run.url, run.group);

            postgres.close();
            long down = System.nanoTime();
            produceRest(run.topic);
            produceClock(run.topic);
            // The database stays down until the sink has failed to write, and the job has restarted
            // from its
            // checkpoint four times without reaching it (the restart strategy waits longer each
            // time).
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> log.saw("rows to the database, trying again"));
            long restoresBefore = log.count("Restoring job");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> log.count("Restoring job") >= restoresBefore + 4);
            postgres = postgres(port, data);
            System.out.printf("database outage: %.1f s%n", (System.nanoTime() - down) / 1e9);

            awaitTablesEqualFailureFree(run);
        } finally {
            postgres.close();
        }
    }

    @Test
    void aBrokerRestartIsWaitedOut() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("broker.db");
        Run run = start(url);
        try (LogCapture log = LogCapture.capture()) {
            produceFirstPart(run.topic);
            awaitRowsAndACheckpoint(run.url, run.group);

            Kafka.stopBroker();
            // down until the job has noticed: its checkpoints cannot commit offsets to the broker
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> log.saw("Failed to commit consumer offsets"));
            Kafka.startBroker();
            produceRest(run.topic);
            // Both partitions were idle during the outage, and their readers reconnect one after
            // the other: the
            // clock (two days ahead) may only come once both have read the traffic, or the first
            // reader's clock
            // would carry the watermark past the second's traffic, as it would in production.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> committedOffsets(run.group) == trafficSize());
            produceClock(run.topic);

            awaitTablesEqualFailureFree(run);
        }
    }

    @Test
    void aSavepointResumedAtAnotherParallelismEndsInTheSameTables(@TempDir Path savepoints)
            throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("savepoint.db");
        Run run = start(url);
        produceFirstPart(run.topic);
        awaitRowsAndACheckpoint(run.url, run.group);

        String savepoint =
                run.job
                        .stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
        // An upgrade: the same job resumed from its savepoint, with one subtask where there were
        // two.
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            Kafka.bootstrapServers(),
                            "--kafka.topic",
                            run.topic,
                            "--kafka.group-id",
                            run.group,
                            "--jdbc.url",
                            url,
                            "--parallelism",
                            "1",
                            "--checkpoint.interval",
                            "500ms"
                        },
                        Map.of());
        Configuration flink = MeshflowJob.flinkConfig(settings);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient resumed = MeshflowJob.start(settings, flink);
        started.add(resumed);
        produceRest(run.topic);
        produceClock(run.topic);

        awaitTablesEqualFailureFree(new Run(run.topic, run.group, url, resumed));
    }

    private record Run(String topic, String group, String url, JobClient job) {}

    @org.junit.jupiter.api.AfterEach
    void cancelJobs() throws Exception {
        for (JobClient job : started) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
        started.clear();
    }

    private final List<JobClient> started = new java.util.ArrayList<>();

    private Run start(String url) throws Exception {
        String topic = Kafka.newTopic(PARTITIONS);
        String group = "group-" + topic;
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            Kafka.bootstrapServers(),
                            "--kafka.topic",
                            topic,
                            "--kafka.group-id",
                            group,
                            "--jdbc.url",
                            url,
                            "--parallelism",
                            "2",
                            "--checkpoint.interval",
                            "500ms"
                        },
                        Map.of());
        Database.createTables(settings);
        JobClient job = MeshflowJob.start(settings);
        started.add(job);
        return new Run(topic, group, url, job);
    }

    private static void awaitTablesEqualFailureFree(Run run) throws Exception {
        comparison.awaitTablesEqualFailureFree(
                run.topic, run.url, () -> String.valueOf(run.job.getJobStatus().get()));
    }

    private static EmbeddedPostgres postgres(int port, Path data) throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
