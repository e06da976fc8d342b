package io.meshflow.job.bench;

import io.meshflow.job.MeshflowJob;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The job in steady state through Kafka with checkpoints: {@code produce} (the job's own producer
 * of simulated traffic, event time = now, one side per record) publishes at a fixed rate in a JVM
 * of its own while the job reads the topic on an embedded Flink, checkpointing every 10 s, into
 * SQLite. Every 10 s it prints the rates in and out, the pairing's in-flight keys, the latest
 * checkpoint's size (Flink's REST API) and so the bytes of state per in-flight key; each minute's
 * end-to-end delay (when its rows appear in the database, less the minute's end: SPEC 5); a summary
 * at the end.
 *
 * <pre>
 * java ... io.meshflow.job.bench.SteadyState --bootstrap-servers HOST:PORT [--rate 50000]
 *     [--seconds 120] [--parallelism 2] [--checkpoint-interval 10s] [--checkpoint-storage files|jobmanager]
 *     [--dir bench-out]
 * </pre>
 */
public final class SteadyState {
    /** Sides per request of the simulator's mesh (both sides mostly, some one-sided, retries). */
    private static final double SIDES_PER_REQUEST = 1.82;

    private SteadyState() {}

    public static void main(String[] args) throws Exception {
        BenchArgs options = new BenchArgs(args);
        String bootstrap = options.required("bootstrap-servers");
        long rate = options.getLong("rate", 50_000);
        long seconds = options.getLong("seconds", 120);
        int parallelism = options.getInt("parallelism", 2);
        String interval = options.get("checkpoint-interval", "10s");
        Path dir = Path.of(options.get("dir", "bench-out"));
        Files.createDirectories(dir);
        Path db = dir.resolve("steady-state.db");
        Files.deleteIfExists(db);
        String url = "jdbc:sqlite:" + db;

        String topic = KafkaTopics.create(bootstrap, "steady");
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers", bootstrap,
                            "--kafka.topic", topic,
                            "--kafka.group-id", "steady-" + UUID.randomUUID(),
                            "--kafka.starting-offsets", "earliest",
                            "--checkpoint.interval", interval,
                            "--jdbc.url", url,
                            "--parallelism", String.valueOf(parallelism)
                        },
                        Map.of());
        Database.createTables(settings);
        Configuration config = MeshflowJob.flinkConfig(settings);
        JobMetrics.enable(config);
        // Checkpoints to files, as on any cluster: without a directory Flink keeps them in the
        // JobManager's memory, 5 MB a state at most, which the pairing state passes within seconds
        // at these rates (the checkpoint then fails and the job restarts).
        Path checkpoints = dir.resolve("checkpoints").toAbsolutePath();
        if (!options.get("checkpoint-storage", "files").equals("jobmanager")) {
            config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        }
        int port = FlinkRest.freePort();
        config.set(RestOptions.BIND_PORT, String.valueOf(port));
        config.set(RestOptions.PORT, port);
        System.out.printf(
                "steady state: produce at %,d requests/s for %d s into a 4-partition topic, the job"
                        + " at parallelism %d, checkpoints every %s to %s, into SQLite%n  JVM: %s%n",
                rate,
                seconds,
                parallelism,
                interval,
                config.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                        ? checkpoints
                        : "the JobManager's memory (java -jar's default)",
                ProcessFigures.jvmSettings());
        JobClient job = MeshflowJob.start(settings, config);
        FlinkRest rest = new FlinkRest(port, job.getJobID().toString());
        Process producer = startProducer(bootstrap, topic, rate, seconds, dir);

        System.out.println(
                "  time  produced sides/s  consumed sides/s  in-flight keys  heap MB  checkpoint"
                        + " (id, size, per in-flight key)");
        List<long[]> keysOverTime = new ArrayList<>(); // {wall ms, in-flight keys}
        List<Double> perKey = new ArrayList<>();
        List<Long> checkpointSizes = new ArrayList<>();
        Map<String, Double> minuteDelays = new TreeMap<>();
        long lastCheckpoint = -1;
        long start = System.currentTimeMillis();
        long lastProduced = 0;
        long lastSides = 0;
        long lastTick = start;
        long producerEnd = 0;
        try (Admin admin = KafkaTopics.admin(bootstrap);
                Connection results = DriverManager.getConnection(url)) {
            for (int tick = 1; tick <= seconds + 30; tick++) {
                Thread.sleep(Math.max(0, start + tick * 1000L - System.currentTimeMillis()));
                long now = System.currentTimeMillis();
                if (producerEnd == 0 && !producer.isAlive()) {
                    producerEnd = now;
                }
                keysOverTime.add(new long[] {now, JobMetrics.inFlightKeys()});
                newMinutes(results, now, minuteDelays);
                if (tick % 10 != 0) {
                    continue;
                }
                long produced = KafkaTopics.records(admin, topic);
                long sides = JobMetrics.sides();
                double span = (now - lastTick) / 1000.0;
                String checkpoint = "-";
                JsonNode latest = rest.latestCheckpoint();
                if (latest != null && latest.path("id").asLong() != lastCheckpoint) {
                    lastCheckpoint = latest.path("id").asLong();
                    long size = latest.path("state_size").asLong();
                    long keys = keysAt(keysOverTime, latest.path("trigger_timestamp").asLong());
                    checkpointSizes.add(size);
                    perKey.add(keys > 0 ? (double) size / keys : Double.NaN);
                    checkpoint =
                            String.format(
                                    "#%d, %,d bytes, %.0f B per key (%,d keys then); by operator"
                                            + " chain: %s",
                                    lastCheckpoint,
                                    size,
                                    perKey.get(perKey.size() - 1),
                                    keys,
                                    byVertex(rest.stateSizeByVertex(lastCheckpoint)));
                }
                System.out.printf(
                        "  %3ds  %16.0f  %16.0f  %14d  %7d  %s%n",
                        tick,
                        (produced - lastProduced) / span,
                        (sides - lastSides) / span,
                        JobMetrics.inFlightKeys(),
                        ProcessFigures.heapUsed() >> 20,
                        checkpoint);
                lastProduced = produced;
                lastSides = sides;
                lastTick = now;
                if (!producer.isAlive() && tick >= seconds + 20) {
                    break; // the last full minute's rows had their time to appear
                }
            }
            long produced = KafkaTopics.records(admin, topic);
            double producing =
                    ((producerEnd == 0 ? System.currentTimeMillis() : producerEnd) - start)
                            / 1000.0;
            summary(produced, rate, seconds, producing, perKey, checkpointSizes, minuteDelays);
            System.out.printf(
                    "  failed checkpoints: %d; job restarts: %d%n",
                    rest.failedCheckpoints(), rest.restarts());
        } finally {
            producer.destroy();
            job.cancel().get();
        }
        System.exit(0);
    }

    /** The job's producer tool in a JVM of its own, as a user runs it. */
    private static Process startProducer(
            String bootstrap, String topic, long rate, long seconds, Path dir) throws Exception {
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.meshflow.job.tools.Produce",
                        "--kafka.bootstrap-servers",
                        bootstrap,
                        "--kafka.topic",
                        topic,
                        "--rate",
                        String.valueOf(rate),
                        "--requests",
                        String.valueOf(rate * seconds));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("steady-state-produce.log").toFile())
                .start();
    }

    /** In-flight keys sampled nearest to {@code wallMs}. */
    private static long keysAt(List<long[]> samples, long wallMs) {
        long[] nearest = samples.get(0);
        for (long[] sample : samples) {
            if (Math.abs(sample[0] - wallMs) < Math.abs(nearest[0] - wallMs)) {
                nearest = sample;
            }
        }
        return nearest[1];
    }

    private static String byVertex(Map<String, Long> sizes) {
        StringBuilder text = new StringBuilder();
        sizes.forEach(
                (name, size) -> {
                    if (size > 0) {
                        String shortName = name.length() > 40 ? name.substring(0, 40) + "…" : name;
                        text.append(String.format("[%s: %,d B] ", shortName, size));
                    }
                });
        return text.toString().strip();
    }

    /**
     * Minutes whose rows appeared in the database since the last look: their delay is now less the
     * minute's end (event time is wall time here: produce stamps its sides with now).
     */
    private static void newMinutes(Connection results, long now, Map<String, Double> delays)
            throws Exception {
        try (Statement statement = results.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT DISTINCT bucket_start FROM pipeline_stats"
                                        + " WHERE granularity = 'minute'")) {
            while (rows.next()) {
                String minute = rows.getString(1);
                if (!delays.containsKey(minute)) {
                    long end =
                            LocalDateTime.parse(minute.replace(' ', 'T'))
                                            .toInstant(ZoneOffset.UTC)
                                            .toEpochMilli()
                                    + 60_000;
                    delays.put(minute, (now - end) / 1000.0);
                    System.out.printf(
                            "  rows of minute %s in the database %.0f s after its end%n",
                            minute, (now - end) / 1000.0);
                }
            }
        }
    }

    private static void summary(
            long produced,
            long rate,
            long seconds,
            double producing,
            List<Double> perKey,
            List<Long> sizes,
            Map<String, Double> minuteDelays) {
        List<Double> delays = new ArrayList<>(minuteDelays.values());
        List<Double> steadyPerKey = perKey.size() > 2 ? perKey.subList(1, perKey.size()) : perKey;
        System.out.printf(
                "summary: asked %,d requests/s for %d s; produced %,d sides in %.0f s (%,.0f"
                        + " sides/s, %,.0f requests/s at this mesh's sides per request)%n"
                        + "  checkpoints: %d, state size median %,d bytes, last %,d bytes%n"
                        + "  bytes of state per in-flight key (request): median %.0f, each %s"
                        + " (target <= 200)%n"
                        + "  minute rows' end-to-end delay, minute by minute: %s s (SPEC 5: within"
                        + " 20 s)%n",
                rate,
                seconds,
                produced,
                producing,
                produced / producing,
                produced / producing / SIDES_PER_REQUEST,
                sizes.size(),
                median(sizes.stream().map(Long::doubleValue).toList()).longValue(),
                sizes.isEmpty() ? 0 : sizes.get(sizes.size() - 1),
                median(steadyPerKey),
                steadyPerKey.stream().map(b -> String.format("%.0f", b)).toList(),
                delays.stream().map(d -> String.format("%.0f", d)).toList());
    }

    private static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
