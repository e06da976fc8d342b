package io.meshflow.job.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.awaitility.core.ConditionTimeoutException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.meshflow.job.testing.SimulatedTraffic.CLOCK_DAY;
import static io.meshflow.job.testing.SimulatedTraffic.CLOCK_SERVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recovery tests' yardstick: the same simulated traffic through Kafka, in two parts around a
 * failure, must end in exactly the tables of a failure-free run of it. A test makes one with {@link
 * #runWithoutFailure}, then for each run: {@link #produceFirstPart}, {@link
 * #awaitRowsAndACheckpoint}, its failure, {@link #produceRest}, {@link #produceClock} and {@link
 * #awaitTablesEqualFailureFree}.
 */
public final class FailureFreeComparison {
    public static final int PARTITIONS = 2;

    /**
     * Two minutes of event time; the first part ends at about 00:01:24, past the first minute's
     * write time, so rows are written and checkpointed before the failure.
     */
    private static final List<byte[]> TRAFFIC = SimulatedTraffic.requests(6000);

    private static final int SPLIT = TRAFFIC.size() * 7 / 10;

    private final Map<String, List<String>> failureFree;

    private FailureFreeComparison(Map<String, List<String>> failureFree) {
        this.failureFree = failureFree;
    }

    /** The traffic read from a file, without failure, into the empty database {@code jdbcUrl}. */
    public static FailureFreeComparison runWithoutFailure(Path dir, String jdbcUrl)
            throws Exception {
        Map<String, List<String>> tables =
                SimulatedTraffic.failureFreeTables(TRAFFIC, PARTITIONS, dir, jdbcUrl);
        assertThat(tables.get("service_metrics")).hasSizeGreaterThan(20);
        return new FailureFreeComparison(tables);
    }

    public static void produceFirstPart(String topic) {
        Kafka.produceByRequest(topic, PARTITIONS, TRAFFIC.subList(0, SPLIT));
    }

    public static void produceRest(String topic) {
        Kafka.produceByRequest(topic, PARTITIONS, TRAFFIC.subList(SPLIT, TRAFFIC.size()));
    }

    /** Moves every partition's watermark past the traffic's last bucket. */
    public static void produceClock(String topic) {
        Kafka.produce(topic, PARTITIONS, SimulatedTraffic.clock(PARTITIONS));
    }

    /** Records in the traffic: the offsets committed once the job has read all of it. */
    public static int trafficSize() {
        return TRAFFIC.size();
    }

    /** Some rows are written and a checkpoint has completed (it committed offsets to Kafka). */
    public static void awaitRowsAndACheckpoint(String jdbcUrl, String group) {
        await("rows written and a checkpoint that committed offsets")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                Rows.count(jdbcUrl, "SELECT COUNT(*) FROM pipeline_stats") > 0
                                        && committedOffsets(group) > 0);
    }

    /** The sum of the offsets {@code group} has committed over all partitions. */
    public static long committedOffsets(String group) throws Exception {
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
     * Keeps the clock ticking (a restored job starts without a watermark: Flink does not checkpoint
     * watermarks) until the tables equal the failure-free run's, then asserts that they do, showing
     * the difference if not, and that no record became a dead letter. {@code jobState} describes
     * the job, printed if the wait times out.
     */
    public void awaitTablesEqualFailureFree(String topic, String jdbcUrl, Callable<String> jobState)
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
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    Tables.snapshot(jdbcUrl, CLOCK_DAY, CLOCK_SERVICES)
                                            .equals(failureFree));
        } catch (ConditionTimeoutException e) {
            // fall through to the assertion, which shows the difference
            System.out.println("tables still differ at the timeout; job: " + jobState.call());
        } finally {
            clock.shutdownNow();
        }
        Map<String, List<String>> tables = Tables.snapshot(jdbcUrl, CLOCK_DAY, CLOCK_SERVICES);
        assertThat(tables).as(() -> Tables.difference(failureFree, tables)).isEqualTo(failureFree);
        assertThat(Rows.count(jdbcUrl, "SELECT COUNT(*) FROM dead_letters")).isZero();
    }
}
