package io.meshflow.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.flink.configuration.ConfigOptions.key;

/** The command line of SPEC section 2, as typed Flink {@link ConfigOption}s. */
public final class MeshflowOptions {

    public static final ConfigOption<String> INPUT =
            key("input")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Read length-delimited ServiceMeshMetrics from this file (bounded).");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Read ServiceMeshMetrics records from Kafka.");
    public static final ConfigOption<String> KAFKA_TOPIC =
            key("kafka.topic").stringType().defaultValue("mesh-telemetry");
    public static final ConfigOption<String> KAFKA_GROUP_ID =
            key("kafka.group-id").stringType().defaultValue("meshflow");
    public static final ConfigOption<StartingOffsets> KAFKA_STARTING_OFFSETS =
            key("kafka.starting-offsets")
                    .enumType(StartingOffsets.class)
                    .defaultValue(StartingOffsets.committed)
                    .withDescription("committed (falling back to earliest), earliest or latest.");
    public static final ConfigOption<Boolean> KAFKA_BOUNDED =
            key("kafka.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Read up to the offsets that are latest when the job starts, then end.");
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    public static final ConfigOption<Long> GENERATOR_REQUESTS =
            key("generator.requests")
                    .longType()
                    .defaultValue(100_000L)
                    .withDescription("Simulate this many requests, then end.");
    public static final ConfigOption<Long> GENERATOR_SEED =
            key("generator.seed")
                    .longType()
                    .defaultValue(42L)
                    .withDescription("The simulation is a pure function of its seed.");

    public static final ConfigOption<String> JDBC_URL =
            key("jdbc.url").stringType().defaultValue("jdbc:sqlite:meshflow.db");
    public static final ConfigOption<String> JDBC_USER =
            key("jdbc.user").stringType().noDefaultValue();
    public static final ConfigOption<String> JDBC_PASSWORD =
            key("jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Or the environment variable "
                                    + "MESHFLOW_JDBC_PASSWORD. Never logged.");

    public static final ConfigOption<Duration> PAIR_TIMEOUT =
            key("pair.timeout").durationType().defaultValue(Duration.ofSeconds(10));
    public static final ConfigOption<Duration> WATERMARK_OUT_OF_ORDERNESS =
            key("watermark.out-of-orderness").durationType().defaultValue(Duration.ofSeconds(5));
    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            key("allowed-lateness").durationType().defaultValue(Duration.ofSeconds(60));
    public static final ConfigOption<Duration> APDEX_THRESHOLD =
            key("apdex.threshold").durationType().defaultValue(Duration.ofMillis(500));
    public static final ConfigOption<String> APDEX_THRESHOLDS_FILE =
            key("apdex.thresholds-file").stringType().noDefaultValue();
    public static final ConfigOption<Duration> EVENT_TIME_MAX_AHEAD =
            key("event-time.max-ahead")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "A side starting further ahead of the wall clock when it is read is a"
                                    + " dead letter (future-start-time) and never moves the"
                                    + " watermark: one wrong clock must not make everyone late.");
    public static final ConfigOption<Integer> PARALLELISM =
            key("parallelism").intType().noDefaultValue();
    public static final ConfigOption<StateBackend> STATE_BACKEND =
            key("state.backend")
                    .enumType(StateBackend.class)
                    .noDefaultValue()
                    .withDescription(
                            "hashmap (state on the heap) or rocksdb (state on disk); default: the cluster's.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval for unbounded (Kafka) input; bounded input is not checkpointed.");

    /** Every option the command line accepts, besides {@code kafka.properties.*}. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    INPUT,
                    KAFKA_BOOTSTRAP_SERVERS,
                    KAFKA_TOPIC,
                    KAFKA_GROUP_ID,
                    KAFKA_STARTING_OFFSETS,
                    KAFKA_BOUNDED,
                    GENERATOR_REQUESTS,
                    GENERATOR_SEED,
                    JDBC_URL,
                    JDBC_USER,
                    JDBC_PASSWORD,
                    PAIR_TIMEOUT,
                    WATERMARK_OUT_OF_ORDERNESS,
                    ALLOWED_LATENESS,
                    APDEX_THRESHOLD,
                    APDEX_THRESHOLDS_FILE,
                    EVENT_TIME_MAX_AHEAD,
                    PARALLELISM,
                    CHECKPOINT_INTERVAL,
                    STATE_BACKEND);

    /** Flink's state backends. */
    public enum StateBackend {
        hashmap,
        rocksdb
    }

    /**
     * Where Kafka reading starts when the group has no committed offsets: committed falls back to
     * earliest.
     */
    public enum StartingOffsets {
        committed,
        earliest,
        latest
    }

    private MeshflowOptions() {}

    /**
     * Reads {@code --name value} pairs into a Configuration holding only known options.
     *
     * @throws InvalidOptionException with one line naming the option and what is wrong
     */
    public static Configuration parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidOptionException(
                        "unexpected argument '" + arg + "': options take the form --name value");
            }
            String name = arg.substring(2);
            if (!isKnown(name)) {
                throw new InvalidOptionException(
                        "unknown option --" + name + " (see README.md for the options)");
            }
            if (i + 1 >= args.length
                    || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                throw new InvalidOptionException("option --" + name + " needs a value");
            }
            if (values.put(name, args[++i]) != null) {
                throw new InvalidOptionException("option --" + name + " is given twice");
            }
        }
        Configuration config = Configuration.fromMap(values);
        for (ConfigOption<?> option : ALL) {
            try {
                config.get(option);
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException(
                        "invalid value '"
                                + values.get(option.key())
                                + "' for --"
                                + option.key()
                                + ": "
                                + expected(option));
            }
        }
        return config;
    }

    private static boolean isKnown(String name) {
        if (name.startsWith(KAFKA_PROPERTIES_PREFIX)
                && name.length() > KAFKA_PROPERTIES_PREFIX.length()) {
            return true;
        }
        return ALL.stream().anyMatch(o -> o.key().equals(name));
    }

    private static String expected(ConfigOption<?> option) {
        if (option == KAFKA_STARTING_OFFSETS) {
            return "expected committed, earliest or latest";
        }
        if (option == STATE_BACKEND) {
            return "expected hashmap or rocksdb";
        }
        if (option == KAFKA_BOUNDED) {
            return "expected true or false";
        }
        if (option.defaultValue() instanceof Duration || option == PAIR_TIMEOUT) {
            return "expected a duration such as 500ms, 10s or 2min";
        }
        return "expected a whole number";
    }

    /** A bad command line: its message is the one line the user sees. */
    public static final class InvalidOptionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidOptionException(String message) {
            super(message);
        }
    }
}
