package io.meshflow.job;

import io.meshflow.aggregate.Table;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.testing.Collected;
import io.meshflow.job.testing.Dataflow;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.SimulatedTraffic;
import io.meshflow.job.testing.Tables;
import io.meshflow.time.Granularity;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.meshflow.job.testing.FailureFreeComparison.PARTITIONS;
import static io.meshflow.job.testing.FailureFreeComparison.produceFirstPart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC 5: the current hour's and day's rows hold every minute written so far, while the job runs;
 * and what that costs in rows written.
 */
class ProgressiveRowsITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir Path dir;

    /** Per service, the calls of its minute rows of 00:00-01:00 and of its hour and day rows. */
    private static final String MINUTES_HOUR_AND_DAY =
            "SELECT m.service, SUM(m.calls) AS minutes,"
                    + " (SELECT h.calls FROM service_metrics h WHERE h.granularity = 'hour'"
                    + " AND h.service = m.service) AS hour,"
                    + " (SELECT d.calls FROM service_metrics d WHERE d.granularity = 'day'"
                    + " AND d.service = m.service) AS day"
                    + " FROM service_metrics m WHERE m.granularity = 'minute'"
                    + " GROUP BY m.service ORDER BY m.service";

    @Test
    void theCurrentHourAndDayHoldEveryMinuteWrittenSoFarWhileTheJobRuns() throws Exception {
        String topic = Kafka.newTopic(PARTITIONS);
        String url = "jdbc:sqlite:" + dir.resolve("running.db");
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            Kafka.bootstrapServers(),
                            "--kafka.topic",
                            topic,
                            "--kafka.group-id",
                            "group-" + topic,
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
        try {
            // 00:00 to about 00:01:24 of 2026-01-01: the first minute is written, the hour and the
            // day are open, and stay so (no more input).
            produceFirstPart(topic);
            await("the first minute's rows")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    Rows.count(
                                                    url,
                                                    "SELECT COUNT(*) FROM service_metrics"
                                                            + " WHERE granularity = 'minute'")
                                            > 0);
            await("hour and day rows that hold every minute written")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> everyServiceHoursAndDaysHoldItsMinutes(url));

            List<Map<String, Object>> rows = Rows.query(url, MINUTES_HOUR_AND_DAY);
            assertThat(rows).hasSizeGreaterThan(5);
            for (Map<String, Object> row : rows) {
                assertThat(row.get("hour")).as(row.toString()).isEqualTo(row.get("minutes"));
                assertThat(row.get("day")).as(row.toString()).isEqualTo(row.get("minutes"));
            }
            assertThat(job.getJobStatus().get().isGloballyTerminalState())
                    .as("the job still runs")
                    .isFalse();
        } finally {
            job.cancel().get();
        }
    }

    private static boolean everyServiceHoursAndDaysHoldItsMinutes(String url) throws Exception {
        List<Map<String, Object>> rows = Rows.query(url, MINUTES_HOUR_AND_DAY);
        return !rows.isEmpty()
                && rows.stream()
                        .allMatch(
                                r ->
                                        r.get("minutes").equals(r.get("hour"))
                                                && r.get("minutes").equals(r.get("day")));
    }

    /**
     * Rows written per minute of event time, by granularity, for 40,000 requests (about 13 minutes
     * of one hour): an open hour or day row is written at most once per minute. Counted where the
     * dataflow hands rows to the database sink: the sink writes what is waiting at each flush, so
     * in a fast replay several versions of a row reach the database as one.
     */
    @Test
    void anOpenHourOrDayRowIsWrittenAtMostOncePerMinute() throws Exception {
        int requests = 40_000;
        List<byte[]> traffic = SimulatedTraffic.requests(requests);
        JobSettings settings = JobSettings.from(new String[] {"--parallelism", "2"}, Map.of());
        List<SideBatch> batches = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < traffic.size(); i++) {
            batches.add(settings.decoder.decode(traffic.get(i), "traffic@" + i, now));
        }
        Collected out = Dataflow.run(batches, settings);

        long minutes =
                out.table(Table.SERVICE_METRICS).keySet().stream()
                        .filter(k -> k.granularity == Granularity.MINUTE)
                        .map(k -> k.bucketStart)
                        .distinct()
                        .count();
        Map<String, Long> writes = new java.util.TreeMap<>();
        Map<String, Long> rows = new java.util.TreeMap<>();
        for (Granularity granularity : Granularity.values()) {
            long written = 0;
            long n = 0;
            for (String name : Tables.ALL) {
                if (hasGranularity(name)) {
                    Table table = table(name);
                    written +=
                            out.writes(table).stream()
                                    .filter(r -> r.key.granularity == granularity)
                                    .count();
                    n +=
                            out.table(table).keySet().stream()
                                    .filter(k -> k.granularity == granularity)
                                    .count();
                }
            }
            writes.put(granularity.columnValue(), written);
            rows.put(granularity.columnValue(), n);
        }
        System.out.printf(
                "rows written over %d minutes of event time: %s (per minute: minute %.0f, hour %.0f,"
                        + " day %.0f); rows in the tables: %s%n",
                minutes,
                writes,
                writes.get("minute") / (double) minutes,
                writes.get("hour") / (double) minutes,
                writes.get("day") / (double) minutes,
                rows);
        assertThat(minutes).isGreaterThan(10);
        for (String granularity : List.of("hour", "day")) {
            assertThat(writes.get(granularity))
                    .as("each open row written with each minute, at most, and once final")
                    .isGreaterThan(rows.get(granularity))
                    .isLessThanOrEqualTo(rows.get(granularity) * (minutes + 1));
        }
    }

    private static Table table(String name) {
        for (Table table : Table.values()) {
            if (table.sqlName().equals(name)) {
                return table;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static boolean hasGranularity(String table) {
        return !table.equals("services") && !table.equals("pipeline_stats");
    }
}
