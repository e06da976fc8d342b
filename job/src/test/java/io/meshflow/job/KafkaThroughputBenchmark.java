package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.SimulatedTraffic;

import org.apache.flink.api.common.JobExecutionResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A benchmark, not a test (surefire runs only *Test and *ITCase): the whole job through a real
 * broker at parallelism 2, bounded to what the topic holds. {@code ./mvnw -B test -pl job -am
 * -Dtest=KafkaThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbench.requests=500000}
 */
class KafkaThroughputBenchmark {

    @Test
    void sidesPerSecondThroughKafka(@TempDir Path dir) throws Exception {
        int requests = Integer.getInteger("bench.requests", 300_000);
        List<byte[]> traffic = SimulatedTraffic.requests(requests);
        String topic = Kafka.newTopic(2);
        Kafka.produceByRequest(topic, 2, traffic);

        String url = "jdbc:sqlite:" + dir.resolve("bench.db");
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            Kafka.bootstrapServers(),
                            "--kafka.topic",
                            topic,
                            "--kafka.bounded",
                            "true",
                            "--jdbc.url",
                            url,
                            "--parallelism",
                            "2"
                        },
                        Map.of());
        Database.createTables(settings);
        JobExecutionResult result = MeshflowJob.run(settings);

        double seconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
        System.out.printf(
                "through Kafka at parallelism 2: %d sides in %.1f s, %.0f sides/s%n",
                traffic.size(), seconds, traffic.size() / seconds);
        assertThat(
                        Rows.count(
                                url,
                                "SELECT SUM(sides) FROM pipeline_stats WHERE granularity = 'day'"))
                .isEqualTo(traffic.size());
    }
}
