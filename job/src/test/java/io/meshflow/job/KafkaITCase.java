package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.HandCheckedScenario;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Rows;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Kafka path: a real KRaft broker, the job on a MiniCluster at parallelism 2. */
class KafkaITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir Path dir;

    @Test
    void theHandCheckedScenarioThroughKafkaGivesTheSameTablesAsThroughAFile() throws Exception {
        // One partition keeps the scenario's order, on which its late side depends.
        String topic = Kafka.newTopic(1);
        Kafka.produce(topic, 1, HandCheckedScenario.records());
        String url = "jdbc:sqlite:" + dir.resolve("kafka.db");
        String[] options =
                HandCheckedScenario.options(HandCheckedScenario.thresholdsFile(dir), url);
        String[] kafka = {
            "--kafka.bootstrap-servers",
            Kafka.bootstrapServers(),
            "--kafka.topic",
            topic,
            "--kafka.bounded",
            "true"
        };
        String[] args = new String[options.length + kafka.length];
        System.arraycopy(kafka, 0, args, 0, kafka.length);
        System.arraycopy(options, 0, args, kafka.length, options.length);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args,
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        HandCheckedScenario.assertTables(url);
        // Dead letters from Kafka are named topic/partition/offset.
        assertThat(
                        Rows.query(
                                url,
                                "SELECT origin FROM dead_letters WHERE reason = 'end-before-start'"))
                .singleElement()
                .satisfies(r -> assertThat(r.get("origin")).isEqualTo(topic + "/0/21"));
    }

    @Test
    void anUnboundedRunWritesAMinuteWithinTwentySecondsAndKeepsGarbageAside() throws Exception {
        String topic = Kafka.newTopic(2);
        String url = "jdbc:sqlite:" + dir.resolve("fresh.db");
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            Kafka.bootstrapServers(),
                            "--kafka.topic",
                            topic,
                            "--jdbc.url",
                            url,
                            "--parallelism",
                            "2"
                        },
                        Map.of());
        Database.createTables(settings);

        // Event time runs with the wall clock, set so that a minute ends 25 s from now: by then the
        // job is up
        // and reading, so what is measured is the pipeline's delay, not the job's start.
        long now = System.currentTimeMillis();
        long minuteEnd = now - Math.floorMod(now, 60_000L);
        long offset = now + 25_000 - minuteEnd;
        MeshSimulator simulator = new MeshSimulator(5, minuteEnd - 25_000, 10_000);
        AtomicLong next = new AtomicLong();
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        KafkaProducer<byte[], byte[]> kafka = Kafka.producer();
        producer.scheduleAtFixedRate(
                () -> {
                    long eventTimeNow = System.currentTimeMillis() - offset;
                    for (long n = next.get();
                            minuteEnd - 25_000 + n * 10 <= eventTimeNow;
                            n = next.incrementAndGet()) {
                        for (HTTPServiceMeshMetric side :
                                simulator.request(n).getHttpMetrics().getMetricsList()) {
                            kafka.send(
                                    new ProducerRecord<>(
                                            topic,
                                            ServiceMeshMetrics.newBuilder()
                                                    .setHttpMetrics(
                                                            HTTPServiceMeshMetrics.newBuilder()
                                                                    .addMetrics(side))
                                                    .build()
                                                    .toByteArray()));
                        }
                        if (n % 500 == 0) {
                            kafka.send(
                                    new ProducerRecord<>(
                                            topic, "garbage".getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                },
                0,
                50,
                TimeUnit.MILLISECONDS);

        JobClient job = MeshflowJob.start(settings);
        try {
            String minute =
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                            .withZone(ZoneOffset.UTC)
                            .format(Instant.ofEpochMilli(minuteEnd - 60_000));
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () ->
                                    Rows.count(
                                                    url,
                                                    "SELECT COUNT(*) FROM pipeline_stats WHERE granularity = 'minute'"
                                                            + " AND bucket_start = '"
                                                            + minute
                                                            + "'")
                                            == 1);
            long freshness = System.currentTimeMillis() - (minuteEnd + offset);
            System.out.printf(
                    "freshness: the minute's rows were written %.1f s after its end%n",
                    freshness / 1000.0);
            assertThat(freshness)
                    .as("ms from the minute's end to its rows")
                    .isLessThanOrEqualTo(20_000);

            // every table's sink flushes on its own; they follow within their 200 ms batch interval
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    Rows.count(
                                                    url,
                                                    "SELECT COUNT(*) FROM service_metrics"
                                                            + " WHERE granularity = 'minute' AND bucket_start = '"
                                                            + minute
                                                            + "'")
                                            > 0);
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    Rows.count(
                                                    url,
                                                    "SELECT COUNT(*) FROM dead_letters WHERE reason LIKE 'undecodable%'")
                                            > 0);
            assertThat(Rows.query(url, "SELECT origin FROM dead_letters"))
                    .allSatisfy(
                            r ->
                                    assertThat((String) r.get("origin"))
                                            .matches(topic + "/[01]/\\d+"));
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
            producer.shutdownNow();
            kafka.close();
        }
    }

    @Test
    void anUnreachableBrokerEndsTheJobWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            "127.0.0.1:1",
                            "--jdbc.url",
                            "jdbc:sqlite:" + dir.resolve("x.db")
                        },
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(4);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .startsWith("meshflow: cannot reach Kafka at 127.0.0.1:1")
                .hasLineCount(1);
    }

    @Test
    void aMissingTopicEndsTheJobWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            Kafka.bootstrapServers(),
                            "--kafka.topic",
                            "no-such-topic",
                            "--jdbc.url",
                            "jdbc:sqlite:" + dir.resolve("x.db")
                        },
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(4);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo(
                        "meshflow: Kafka topic 'no-such-topic' does not exist at "
                                + Kafka.bootstrapServers());
    }
}
