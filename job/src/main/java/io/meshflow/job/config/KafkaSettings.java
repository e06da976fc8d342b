package io.meshflow.job.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Where the sides come from when they come from Kafka: what the Kafka source and the broker check
 * need of the settings.
 *
 * @param bounded true to stop at the offsets that are the latest when the job starts
 * @param properties Kafka client properties given as {@code --kafka.properties.X value}
 */
public record KafkaSettings(
        String bootstrapServers,
        String topic,
        String groupId,
        MeshflowOptions.StartingOffsets startingOffsets,
        boolean bounded,
        Map<String, String> properties) {

    public KafkaSettings {
        properties = Map.copyOf(properties);
    }

    public static KafkaSettings from(JobSettings settings) {
        var options = settings.options;
        Map<String, String> properties = new HashMap<>();
        settings.kafkaProperties().forEach((k, v) -> properties.put((String) k, (String) v));
        return new KafkaSettings(
                options.get(MeshflowOptions.KAFKA_BOOTSTRAP_SERVERS),
                options.get(MeshflowOptions.KAFKA_TOPIC),
                options.get(MeshflowOptions.KAFKA_GROUP_ID),
                options.get(MeshflowOptions.KAFKA_STARTING_OFFSETS),
                options.get(MeshflowOptions.KAFKA_BOUNDED),
                properties);
    }

    /** A fresh copy of the client properties, for a client to add its own to. */
    public Properties clientProperties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /** Names the client properties but not their values: they may hold passwords. */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers="
                + bootstrapServers
                + ", topic="
                + topic
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets
                + ", bounded="
                + bounded
                + ", properties="
                + new TreeSet<>(properties.keySet())
                + "]";
    }
}
