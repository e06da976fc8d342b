package io.meshflow.job.tools;

import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes the simulator's mesh to Kafka, as sidecars would: one record per side, event time now,
 * at a chosen rate. {@code java -jar meshflow-job.jar produce --kafka.bootstrap-servers HOST:9092
 * [--rate 1000] [--requests N] [--kafka.topic mesh-telemetry] [--partitions 4] [--generator.seed
 * 42] [--kafka.properties.X value]}. Without --requests it runs until stopped.
 */
public final class Produce {
    private Produce() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options =
                new HashMap<>(
                        Map.of(
                                "kafka.topic",
                                "mesh-telemetry",
                                "rate",
                                "1000",
                                "requests",
                                String.valueOf(Long.MAX_VALUE),
                                "partitions",
                                "4",
                                "generator.seed",
                                "42"));
        Properties kafka = new Properties();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (name.startsWith("kafka.properties.")) {
                kafka.setProperty(name.substring("kafka.properties.".length()), args[i + 1]);
            } else {
                options.put(name, args[i + 1]);
            }
        }
        if (args.length % 2 != 0 || !options.containsKey("kafka.bootstrap-servers")) {
            usage("--kafka.bootstrap-servers is required and every option needs a value");
        }
        String topic = options.get("kafka.topic");
        double rate = Double.parseDouble(options.get("rate"));
        long requests = Long.parseLong(options.get("requests"));
        kafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.get("kafka.bootstrap-servers"));

        createTopicIfMissing(kafka, topic, Integer.parseInt(options.get("partitions")));
        kafka.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        kafka.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        kafka.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");

        long start = System.currentTimeMillis();
        MeshSimulator simulator =
                new MeshSimulator(
                        Long.parseLong(options.get("generator.seed")),
                        start,
                        Math.max(1, Math.round(1_000_000 / rate)));
        long startNanos = System.nanoTime();
        long sides = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka)) {
            for (long n = 0; n < requests; n++) {
                // keep to the rate: request n goes out n / rate seconds after the start
                long due = startNanos + (long) (n * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                for (HTTPServiceMeshMetric side :
                        simulator.request(n).getHttpMetrics().getMetricsList()) {
                    byte[] value =
                            ServiceMeshMetrics.newBuilder()
                                    .setHttpMetrics(
                                            HTTPServiceMeshMetrics.newBuilder().addMetrics(side))
                                    .build()
                                    .toByteArray();
                    producer.send(new ProducerRecord<>(topic, value));
                    sides++;
                }
                if (n > 0 && n % (long) Math.max(rate * 10, 1) == 0) {
                    System.out.printf("produce: %d requests, %d sides to %s%n", n, sides, topic);
                }
            }
            producer.flush();
        }
        System.out.printf("produce: done, %d requests, %d sides to %s%n", requests, sides, topic);
    }

    private static void createTopicIfMissing(Properties kafka, String topic, int partitions)
            throws InterruptedException {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            System.out.printf("produce: created topic %s with %d partitions%n", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                usage("cannot create topic " + topic + ": " + e.getCause().getMessage());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            usage("cannot reach Kafka at " + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        }
    }

    private static void usage(String problem) {
        System.err.println("meshflow produce: " + problem);
        System.err.println(
                "usage: java -jar meshflow-job.jar produce --kafka.bootstrap-servers HOST:9092"
                        + " [--kafka.topic T] [--rate REQUESTS_PER_S] [--requests N] [--partitions P] [--generator.seed S]");
        System.exit(2);
    }
}
