package io.meshflow.job;

import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.SimulatedTraffic;
import io.meshflow.job.testing.StandaloneCluster;
import io.meshflow.job.testing.Tables;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.meshflow.job.testing.SimulatedTraffic.CLOCK_DAY;
import static io.meshflow.job.testing.SimulatedTraffic.CLOCK_SERVICES;
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
    private static final int PARTITIONS = 2;

    /**
     * Two minutes of event time; the first part ends past the first minute's write time (see
     * KafkaRecoveryITCase).
     */
    private static final List<byte[]> TRAFFIC = SimulatedTraffic.requests(6000);

    private static final List<byte[]> FIRST_PART = TRAFFIC.subList(0, TRAFFIC.size() * 7 / 10);
    private static final List<byte[]> REST =
            TRAFFIC.subList(TRAFFIC.size() * 7 / 10, TRAFFIC.size());

    /** The cluster's execution.checkpointing.interval, in ms: longer than any wait here. */
    private static final long CLUSTER_INTERVAL = 300_000;

    private static StandaloneCluster cluster;
    private static Map<String, List<String>> failureFree;

    @BeforeAll
    static void startClusterAndRunWithoutFailure(@TempDir Path dir) throws Exception {
        assertThat(JAR).as("the shaded jar (run in verify, after package)").isRegularFile();
        phase("traffic generated");
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

        failureFree =
                SimulatedTraffic.failureFreeTables(
                        TRAFFIC, PARTITIONS, dir, Postgres.newDatabase());
        assertThat(failureFree.get("service_metrics")).hasSizeGreaterThan(20);
        phase("failure-free reference run done");
        kafka.join();
        phase("Kafka broker up");

        cluster.awaitTaskManagers(2, Duration.ofSeconds(60));
        phase("two TaskManagers registered");
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            // Stopped here rather than in shutdown hooks, so the test JVM ends quickly and with
            // exit code 0.
            Kafka.close();
            Postgres.close();
        }
    }

    @Test
    void aKilledTaskManagerMachineIsRecoveredFrom() throws Exception {
        String topic = Kafka.newTopic(PARTITIONS);
        String group = "group-" + topic;
        String url = Postgres.newDatabase();
        phase("topic and database made");
        String jobId =
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
        try {
            await("every task of the job running")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.allTasksRunning(jobId));
            // one slot each: the job runs on both TaskManagers, so either one's loss takes part of
            // it
            assertThat(cluster.freeSlots()).as("free slots while the job runs").isZero();
            phase("job running");

            Kafka.produceByRequest(topic, PARTITIONS, FIRST_PART);
            await("rows written and a checkpoint that committed offsets")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () ->
                                    Rows.count(url, "SELECT COUNT(*) FROM pipeline_stats") > 0
                                            && committedOffsets(group) > 0);
            assertThat(cluster.checkpointConfig(jobId).path("interval").asLong())
                    .as("--checkpoint.interval wins over the cluster's interval")
                    .isEqualTo(1000);
            long completedBefore = cluster.checkpointCounts(jobId).path("completed").asLong();
            phase("rows written and offsets committed");

            long killed = System.nanoTime();
            cluster.killTaskManager(0);
            cluster.startTaskManager();
            phase("TaskManager killed, replacement started");
            Kafka.produceByRequest(topic, PARTITIONS, REST);
            Kafka.produce(topic, PARTITIONS, SimulatedTraffic.clock(PARTITIONS));

            awaitTablesEqualFailureFree(topic, url, jobId);
            phase("tables equal the failure-free run's");
            double recovery = (System.nanoTime() - killed) / 1e9;
            System.out.printf(
                    "StandaloneClusterIT recovery: tables complete %.1f s after the TaskManager was "
                            + "killed (kill -9)%n",
                    recovery);

            assertThat(cluster.checkpointCounts(jobId).path("restored").asLong())
                    .as("the job restored from a checkpoint after the kill")
                    .isGreaterThanOrEqualTo(1);
            assertThat(completedBefore).as("checkpoints completed before the kill").isPositive();
            assertThat(cluster.taskManagerCount())
                    .as("TaskManagers after the replacement joined")
                    .isEqualTo(2);
            assertThat(cluster.jobState(jobId)).isEqualTo("RUNNING");
        } catch (Throwable failure) {
            try {
                cluster.cancel(jobId);
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        cluster.cancel(jobId);
        await("the job cancelled")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.jobState(jobId).equals("CANCELED"));
    }

    @Test
    void withoutTheOptionTheClustersCheckpointIntervalApplies() throws Exception {
        String topic = Kafka.newTopic(PARTITIONS);
        String jobId =
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
                    .until(() -> cluster.allTasksRunning(jobId));
            assertThat(cluster.checkpointConfig(jobId).path("interval").asLong())
                    .as("the cluster's execution.checkpointing.interval, not the job's 10s")
                    .isEqualTo(CLUSTER_INTERVAL);
        } finally {
            cluster.cancel(jobId);
            await("the job cancelled")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.jobState(jobId).equals("CANCELED"));
        }
    }

    private static void phase(String what) {
        System.out.printf(
                "StandaloneClusterIT %6.1f s: %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    private static long committedOffsets(String group) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                Kafka.bootstrapServers()))) {
            return admin
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .values()
                    .stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }
    }

    /**
     * Keeps the clock ticking (a restored job starts without a watermark) until the tables equal
     * the failure-free run's, then asserts they do, showing the difference if not.
     */
    private static void awaitTablesEqualFailureFree(String topic, String url, String jobId)
            throws Exception {
        AtomicLong tick = new AtomicLong(1);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        clock.scheduleAtFixedRate(
                () ->
                        Kafka.produce(
                                topic,
                                PARTITIONS,
                                SimulatedTraffic.clock(PARTITIONS, tick.getAndIncrement())),
                0,
                500,
                TimeUnit.MILLISECONDS);
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .until(
                            () ->
                                    Tables.snapshot(url, CLOCK_DAY, CLOCK_SERVICES)
                                            .equals(failureFree));
        } catch (ConditionTimeoutException e) {
            // fall through to the assertion, which shows the difference
            System.out.println(
                    "StandaloneClusterIT: job state at timeout: "
                            + cluster.jobState(jobId)
                            + "; logs in "
                            + cluster.logDir());
        } finally {
            clock.shutdownNow();
        }
        Map<String, List<String>> tables = Tables.snapshot(url, CLOCK_DAY, CLOCK_SERVICES);
        assertThat(tables).as(() -> Tables.difference(failureFree, tables)).isEqualTo(failureFree);
        assertThat(Rows.count(url, "SELECT COUNT(*) FROM dead_letters")).isZero();
    }
}
