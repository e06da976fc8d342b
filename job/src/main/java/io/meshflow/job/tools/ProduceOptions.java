package io.meshflow.job.tools;

import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.OptionSet;

import org.apache.flink.configuration.ConfigOption;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * The command line of {@code produce}: every {@code public static final ConfigOption} here, parsed
 * by the job's machinery, and {@code kafka.properties.*} for the producer.
 */
public final class ProduceOptions {

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            key(MeshflowOptions.KAFKA_BOOTSTRAP_SERVERS.key())
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Required: publish to Kafka at these brokers"
                                    + " (host:port[,host:port...]).");

    /** The job's topic, with the job's default: what produce writes the job reads. */
    public static final ConfigOption<String> KAFKA_TOPIC = MeshflowOptions.KAFKA_TOPIC;

    public static final ConfigOption<Double> RATE =
            key("rate")
                    .doubleType()
                    .defaultValue(1000.0)
                    .withDescription(
                            "Requests a second; each request's sides carry event time = now.");
    public static final ConfigOption<Long> REQUESTS =
            key("requests")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "Publish this many requests, then end; default: run until"
                                    + " stopped.");
    public static final ConfigOption<Integer> PARTITIONS =
            key("partitions")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Partitions of the topic, when produce creates it (a topic that"
                                    + " exists is left as it is).");

    /** The job's format option: what produce writes the job reads with the same --format. */
    public static final ConfigOption<MeshflowOptions.InputFormat> FORMAT = MeshflowOptions.FORMAT;

    /** The job's seed option: the same seed simulates the same mesh. */
    public static final ConfigOption<Long> GENERATOR_SEED = MeshflowOptions.GENERATOR_SEED;

    public static final String KAFKA_PROPERTIES_PREFIX = MeshflowOptions.KAFKA_PROPERTIES_PREFIX;

    public static final OptionSet COMMAND_LINE =
            OptionSet.declaredIn(
                    ProduceOptions.class,
                    "produce --help",
                    new OptionSet.PassThrough(
                            KAFKA_PROPERTIES_PREFIX,
                            "Any Kafka producer (and admin client) property, e.g."
                                    + " --kafka.properties.security.protocol SASL_SSL."));

    private ProduceOptions() {}

    /** What {@code produce --help} prints. */
    public static String help() {
        return """
                usage: java -jar meshflow-job.jar produce --kafka.bootstrap-servers HOST:9092 [--name value]...

                Publishes the simulator's mesh to Kafka as sidecars would: one record per side, at a
                chosen rate (with --format otlp, one ExportTraceServiceRequest per reporting service
                instance, as a Collector's Kafka exporter would). A bad option ends it with one line
                and exit code 2.

                options:
                """
                + COMMAND_LINE.describe();
    }
}
