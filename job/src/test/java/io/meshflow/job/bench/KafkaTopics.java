package io.meshflow.job.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The benchmarks' use of the broker: fresh topics, a producer, how much a topic holds. */
final class KafkaTopics {
    /** Partitions of every benchmark topic. */
    static final int PARTITIONS = 4;

    private KafkaTopics() {}

    /** Creates a topic of {@link #PARTITIONS} partitions named {@code prefix} and the time. */
    static String create(String bootstrapServers, String prefix) throws Exception {
        String topic = prefix + "-" + System.currentTimeMillis();
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        return topic;
    }

    /**
     * A producer as an exporter would configure one: records without a key (Kafka's sticky
     * partitioner fills one partition's batch, then the next), a little lingering, lz4.
     */
    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG,
                        "10",
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        "262144",
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class.getName()));
    }

    /** Records in the topic: the sum of its partitions' end offsets. */
    static long records(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest =
                IntStream.range(0, PARTITIONS)
                        .boxed()
                        .collect(
                                Collectors.toMap(
                                        p -> new TopicPartition(topic, p),
                                        p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }

    static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
