package io.meshflow.job.tools;

import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.job.config.OptionSet;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.configuration.Configuration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.meshflow.job.tools.ProduceOptions.FORMAT;
import static io.meshflow.job.tools.ProduceOptions.GENERATOR_SEED;
import static io.meshflow.job.tools.ProduceOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.meshflow.job.tools.ProduceOptions.KAFKA_PROPERTIES_PREFIX;
import static io.meshflow.job.tools.ProduceOptions.KAFKA_TOPIC;
import static io.meshflow.job.tools.ProduceOptions.PARTITIONS;
import static io.meshflow.job.tools.ProduceOptions.RATE;
import static io.meshflow.job.tools.ProduceOptions.REQUESTS;

/**
 * Publishes the simulator's mesh to Kafka, as sidecars would: one record per side, event time now,
 * at a chosen rate. {@code java -jar meshflow-job.jar produce --kafka.bootstrap-servers HOST:9092
 * [--name value]...}; the options are {@link ProduceOptions} ({@code produce --help} lists them).
 * Without --requests it runs until stopped.
 */
public final class Produce {
    private Produce() {}

    public static void main(String[] args) throws Exception {
        int code = execute(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command line; returns the exit code: 0 after help or a finished run, 2 for a bad
     * command line, reported as one line on {@code err}.
     */
    static int execute(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (OptionSet.wantsHelp(args)) {
            out.print(ProduceOptions.help());
            out.flush();
            return 0;
        }
        Configuration options;
        try {
            options = checked(args);
        } catch (InvalidOptionException e) {
            err.println("meshflow produce: " + e.getMessage());
            return 2;
        }
        produce(options);
        return 0;
    }

    /** Parses and checks a command line; throws {@link InvalidOptionException} with one line. */
    static Configuration checked(String[] args) {
        Configuration options = ProduceOptions.COMMAND_LINE.parse(args);
        if (!options.contains(KAFKA_BOOTSTRAP_SERVERS)) {
            throw new InvalidOptionException("--kafka.bootstrap-servers is required");
        }
        double rate = options.get(RATE);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new InvalidOptionException("--rate must be more than zero, got " + rate);
        }
        if (options.getOptional(REQUESTS).orElse(1L) < 1) {
            throw new InvalidOptionException("--requests must be at least 1");
        }
        if (options.get(PARTITIONS) < 1) {
            throw new InvalidOptionException("--partitions must be at least 1");
        }
        return options;
    }

    private static void produce(Configuration options) throws Exception {
        Properties kafka = new Properties();
        options.toMap()
                .forEach(
                        (k, v) -> {
                            if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                                kafka.setProperty(k.substring(KAFKA_PROPERTIES_PREFIX.length()), v);
                            }
                        });
        String topic = options.get(KAFKA_TOPIC);
        InputFormat format = options.get(FORMAT);
        double rate = options.get(RATE);
        long requests = options.getOptional(REQUESTS).orElse(Long.MAX_VALUE);
        kafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.get(KAFKA_BOOTSTRAP_SERVERS));

        createTopicIfMissing(kafka, topic, options.get(PARTITIONS));
        kafka.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        kafka.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        kafka.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");

        long start = System.currentTimeMillis();
        MeshSimulator simulator =
                new MeshSimulator(
                        options.get(GENERATOR_SEED),
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
                for (byte[] value : SimulatedRecords.of(simulator.request(n), format)) {
                    producer.send(new ProducerRecord<>(topic, value));
                    sides++;
                }
                if (n > 0 && n % (long) Math.max(rate * 10, 1) == 0) {
                    System.out.printf("produce: %d requests, %d records to %s%n", n, sides, topic);
                }
            }
            producer.flush();
        }
        System.out.printf("produce: done, %d requests, %d records to %s%n", requests, sides, topic);
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
                fail("cannot create topic " + topic + ": " + e.getCause().getMessage());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            fail("cannot reach Kafka at " + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        }
    }

    private static void fail(String problem) {
        System.err.println("meshflow produce: " + problem);
        System.exit(2);
    }
}
