package io.meshflow.job.testing;

import io.meshflow.job.config.JobSettings;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Savepoints of released versions, kept under {@code src/test/resources/savepoints/<version>/}:
 * {@code savepoint/} (the whole job's state, canonical format) and {@code at-stop.db} (the SQLite
 * tables as the job had written them when it stopped). Each was taken from Kafka input: the first
 * part of {@link FailureFreeComparison}'s traffic in the topic {@link #topic}, two partitions,
 * parallelism 2. {@code ReleaseSavepointWriter} writes the current version's. A test resuming every
 * one in each build is to come: resumed alone it ends in the tables of a run without the stop, but
 * in a full build under load it lacked about 105 sides of the minute in progress (not understood
 * yet).
 */
public final class ReleaseSavepoints {
    /** Where the writer puts them, relative to the job module (Maven's working directory). */
    public static final Path SOURCE_DIR = Path.of("src/test/resources/savepoints");

    private ReleaseSavepoints() {}

    /** The versions whose savepoints are kept (as copied to the test classpath). */
    public static List<String> versions() throws IOException {
        Path dir = Path.of("target/test-classes/savepoints");
        try (Stream<Path> versions = Files.list(dir)) {
            return versions.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    public static Path savepoint(String version) {
        return Path.of("target/test-classes/savepoints", version, "savepoint").toAbsolutePath();
    }

    public static Path tablesAtStop(String version) {
        return Path.of("target/test-classes/savepoints", version, "at-stop.db");
    }

    /** The topic a version's savepoint read: its Kafka source state names it. */
    public static String topic(String version) {
        return "meshflow-savepoint-" + version;
    }

    /** Creates {@link #topic} with the partitions it had. */
    public static String createTopic(String version) throws Exception {
        String topic = topic(version);
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                Kafka.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(
                                            topic, FailureFreeComparison.PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        return topic;
    }

    /**
     * The job as the savepoints were taken and are resumed: unbounded Kafka, parallelism 2, reading
     * from {@code startingOffsets} unless restored.
     */
    public static JobSettings settings(String topic, String jdbcUrl, String startingOffsets) {
        return JobSettings.from(
                new String[] {
                    "--kafka.starting-offsets",
                    startingOffsets,
                    "--kafka.bootstrap-servers",
                    Kafka.bootstrapServers(),
                    "--kafka.topic",
                    topic,
                    "--kafka.group-id",
                    "group-" + topic,
                    "--jdbc.url",
                    jdbcUrl,
                    "--parallelism",
                    "2",
                    "--checkpoint.interval",
                    "500ms"
                },
                Map.of());
    }
}
