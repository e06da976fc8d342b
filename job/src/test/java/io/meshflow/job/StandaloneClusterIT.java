package io.meshflow.job;

import io.meshflow.job.testing.FailureFreeComparison;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.StandaloneCluster;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.meshflow.job.testing.FailureFreeComparison.PARTITIONS;
import static io.meshflow.job.testing.FailureFreeComparison.awaitRowsAndACheckpoint;
import static io.meshflow.job.testing.FailureFreeComparison.produceClock;
import static io.meshflow.job.testing.FailureFreeComparison.produceFirstPart;
import static io.meshflow.job.testing.FailureFreeComparison.produceRest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar on a real standalone Flink cluster: a JobManager and two TaskManagers of one slot
 * each, every one a JVM of its own started from Flink's jars, the job submitted with Flink's own
 * {@code flink run}. One TaskManager is killed with SIGKILL while the job runs at parallelism 2
 * over Kafka into PostgreSQL; a replacement TaskManager joins, and the tables must end exactly as a
 * failure-free run's.
 *
 * <p>Runs in {@code verify} (failsafe), after {@code package} has made {@code
 * target/meshflow-job.jar} and copied Flink to {@code target/lib}. Process logs: {@code
 * target/standalone-cluster/}.
 */
class StandaloneClusterIT {
    private static final long T0 = System.nanoTime();
    private static final Path JAR = Path.of("target/meshflow-job.jar");
    private static final Path FLINK_LIB = Path.of("target/lib");
    private static final Path LOGS = Path.of("target/standalone-cluster");

    /** The cluster's execution.checkpointing.interval, in ms: longer than any wait here. */
    private static final long CLUSTER_INTERVAL = 300_000;

    private static StandaloneCluster cluster;
    private static FailureFreeComparison comparison;

    @BeforeAll
    static void startClusterAndRunWithoutFailure(@TempDir Path dir) throws Exception {
        assertThat(JAR).as("the shaded jar (run in verify, after package)").isRegularFile();
        assertThat(FLINK_LIB)
                .as("Flink's jars, copied by package")
                .isDirectoryContaining("glob:**/flink-runtime-*.jar");
        // The cluster boots in its own processes while the reference runs here.
        // A cluster-wide checkpoint interval: --checkpoint.interval overrides it, its absence
        // leaves it in force.
        cluster =
                StandaloneCluster.start(
                        FLINK_LIB,
                        dir.resolve("flink"),
                        LOGS,
                        2,
                        Map.of("execution.checkpointing.interval", CLUSTER_INTERVAL + " ms"));
        phase("cluster processes started");
        CompletableFuture<String> kafka = CompletableFuture.supplyAsync(Kafka::bootstrapServers);

        comparison = FailureFreeComparison.runWithoutFailure(dir, Postgres.newDatabase());
        phase("failure-free reference run done");
        kafka.join();
        phase("Kafka broker up");

        cluster.awaitTaskManagers(2, Duration.ofSeconds(60));
        phase("two TaskManagers registered");
    }

    @AfterAll
    static void stopCluster() {
        // the shared broker and database are CloseFixtures' to stop
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledTaskManagerMachineIsRecoveredFrom() throws Exception {
        String topic = Kafka.newTopic(PARTITIONS);
        String group = "group-" + topic;
        String url = Postgres.newDatabase();
        JobID job =
                cluster.submit(
                        JAR,
                        2,
                        List.of(
                                "--kafka.bootstrap-servers",
                                Kafka.bootstrapServers(),
                                "--kafka.topic",
                                topic,
                                "--kafka.group-id",
                                group,
                                "--jdbc.url",
                                url,
                                "--checkpoint.interval",
                                "1s"));
        phase("job submitted");
        await("every task of the job running")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.allTasksRunning(job));
        // one slot each: the job runs on both TaskManagers, so either one's loss takes part of it
        assertThat(cluster.overview().getNumSlotsAvailable())
                .as("free slots while the job runs")
                .isZero();

        produceFirstPart(topic);
        awaitRowsAndACheckpoint(url, group);
        assertThat(cluster.checkpointInterval(job))
                .as("--checkpoint.interval wins over the cluster's interval")
                .isEqualTo(1000);
        long completedBefore = cluster.checkpointCounts(job).getNumberCompletedCheckpoints();
        phase("rows written and offsets committed");

        long killed = System.nanoTime();
        cluster.killTaskManager(0);
        cluster.startTaskManager();
        phase("TaskManager killed, replacement started");
        produceRest(topic);
        produceClock(topic);

        comparison.awaitTablesEqualFailureFree(
                topic, url, () -> cluster.jobStatus(job) + "; process logs in " + cluster.logDir());
        System.out.printf(
                "StandaloneClusterIT recovery: tables complete %.1f s after the TaskManager was "
                        + "killed (kill -9)%n",
                (System.nanoTime() - killed) / 1e9);

        assertThat(cluster.checkpointCounts(job).getNumberRestoredCheckpoints())
                .as("the job restored from a checkpoint after the kill")
                .isGreaterThanOrEqualTo(1);
        assertThat(completedBefore).as("checkpoints completed before the kill").isPositive();
        assertThat(cluster.overview().getNumTaskManagersConnected())
                .as("TaskManagers after the replacement joined")
                .isEqualTo(2);
        assertThat(cluster.jobStatus(job)).isEqualTo(JobStatus.RUNNING);

        cluster.cancel(job);
        await("the job cancelled")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.jobStatus(job) == JobStatus.CANCELED);
    }

    @Test
    void withoutTheOptionTheClustersCheckpointIntervalApplies() throws Exception {
        String topic = Kafka.newTopic(PARTITIONS);
        JobID job =
                cluster.submit(
                        JAR,
                        1,
                        List.of(
                                "--kafka.bootstrap-servers",
                                Kafka.bootstrapServers(),
                                "--kafka.topic",
                                topic,
                                "--jdbc.url",
                                Postgres.newDatabase()));
        try {
            await("the job running")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.allTasksRunning(job));
            assertThat(cluster.checkpointInterval(job))
                    .as("the cluster's execution.checkpointing.interval, not the job's 10s")
                    .isEqualTo(CLUSTER_INTERVAL);
        } finally {
            cluster.cancel(job);
            await("the job cancelled")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.jobStatus(job) == JobStatus.CANCELED);
        }
    }

    private static void phase(String what) {
        System.out.printf(
                "StandaloneClusterIT %6.1f s: %s%n", (System.nanoTime() - T0) / 1e9, what);
    }
}
