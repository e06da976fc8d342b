package io.meshflow.job.testing;

import io.meshflow.proto.ServiceMeshMetrics;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One real Kafka broker (KRaft, in this JVM, from Kafka's own test kit) for all tests of a JVM. */
public final class Kafka {
    private static KafkaClusterTestKit cluster;
    private static String bootstrapServers;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private Kafka() {}

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                cluster =
                        new KafkaClusterTestKit.Builder(
                                        new TestKitNodes.Builder()
                                                .setCombined(true)
                                                .setNumBrokerNodes(1)
                                                .setNumControllerNodes(1)
                                                .build())
                                .setConfigProp("offsets.topic.replication.factor", "1")
                                .setConfigProp("offsets.topic.num.partitions", "1")
                                .setConfigProp("transaction.state.log.replication.factor", "1")
                                .setConfigProp("transaction.state.log.min.isr", "1")
                                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                                // a restarted broker is fenced and back quickly
                                .setConfigProp("broker.session.timeout.ms", "2000")
                                .setConfigProp("broker.heartbeat.interval.ms", "500")
                                .build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                bootstrapServers = cluster.bootstrapServers();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the Kafka test broker", e);
            }
        }
        return bootstrapServers;
    }

    /** A new topic with the given number of partitions. */
    public static String newTopic(int partitions) {
        String topic = "mesh-telemetry-" + TOPICS.incrementAndGet();
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return topic;
    }

    /**
     * Writes the records, record i to partition i mod partitions, and waits until all are
     * acknowledged.
     */
    public static void produce(String topic, int partitions, List<byte[]> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, records.get(i)));
            }
            producer.flush();
        }
    }

    /**
     * Writes records of single sides, each to the partition of its request id, so the sides of one
     * request stay in order: which server side of a retried request comes first then does not
     * depend on how the partitions interleave, and two runs can be compared row for row.
     */
    public static void produceByRequest(String topic, int partitions, List<byte[]> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (byte[] record : records) {
                String requestId =
                        ServiceMeshMetrics.parseFrom(record)
                                .getHttpMetrics()
                                .getMetrics(0)
                                .getRequestId();
                int partition = Math.floorMod(requestId.hashCode(), partitions);
                producer.send(new ProducerRecord<>(topic, partition, null, record));
            }
            producer.flush();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                ByteArraySerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                ByteArraySerializer.class.getName()));
    }

    /**
     * Closes the broker, if one was started. {@link CloseFixtures} calls it once the JVM's tests
     * are done, so that the JVM's end is quick and clean; nothing else does.
     */
    public static synchronized void close() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception ignored) {
                // closing a test broker: nothing to do about a failure
            }
            cluster = null;
        }
    }

    /** Stops the broker (the controller stays up); same port and data when it starts again. */
    public static void stopBroker() {
        BrokerServer broker = cluster.brokers().get(0);
        broker.shutdown();
        broker.awaitShutdown();
    }

    public static void startBroker() throws Exception {
        cluster.brokers().get(0).startup();
        cluster.waitForReadyBrokers();
    }
}
