package io.meshflow.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.List;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * The command line of SPEC section 2, as typed Flink {@link ConfigOption}s: every {@code public
 * static final ConfigOption} here is an option of the job, with its description, and {@code --help}
 * lists them.
 */
public final class MeshflowOptions {

    public static final ConfigOption<String> INPUT =
            key("input")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Read the file at this path: length-delimited records of --format (what"
                                    + " protobuf's writeDelimitedTo writes). Bounded: the job ends"
                                    + " when the file is consumed and every result is written.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Read records from Kafka, at these brokers"
                                    + " (host:port[,host:port...]); each record value is one"
                                    + " record of --format, the key is ignored.");
    public static final ConfigOption<String> KAFKA_TOPIC =
            key("kafka.topic")
                    .stringType()
                    .defaultValue("mesh-telemetry")
                    .withDescription("The Kafka topic of the input records.");
    public static final ConfigOption<String> KAFKA_GROUP_ID =
            key("kafka.group-id")
                    .stringType()
                    .defaultValue("meshflow")
                    .withDescription(
                            "The Kafka consumer group; offsets are committed on checkpoints.");
    public static final ConfigOption<StartingOffsets> KAFKA_STARTING_OFFSETS =
            key("kafka.starting-offsets")
                    .enumType(StartingOffsets.class)
                    .defaultValue(StartingOffsets.committed)
                    .withDescription(
                            "Where reading starts: committed (the group's offsets, falling back"
                                    + " to earliest for a new group), earliest or latest.");
    public static final ConfigOption<Boolean> KAFKA_BOUNDED =
            key("kafka.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "true: read up to the offsets that are latest when the job starts,"
                                    + " write every result, then end (replays, backfills).");
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    public static final ConfigOption<Long> GENERATOR_REQUESTS =
            key("generator.requests")
                    .longType()
                    .defaultValue(100_000L)
                    .withDescription(
                            "With neither --input nor --kafka.bootstrap-servers: simulate this"
                                    + " many requests (and a TCP connection for every ten), then"
                                    + " end.");
    public static final ConfigOption<Long> GENERATOR_SEED =
            key("generator.seed")
                    .longType()
                    .defaultValue(42L)
                    .withDescription("The simulation is a pure function of its seed.");

    public static final ConfigOption<InputFormat> FORMAT =
            key("format")
                    .enumType(InputFormat.class)
                    .defaultValue(InputFormat.skywalking)
                    .withDescription(
                            "The input records' format, for --input, Kafka and the generator:"
                                    + " skywalking (ServiceMeshMetrics) or otlp (OpenTelemetry"
                                    + " ExportTraceServiceRequest, what the Collector's Kafka"
                                    + " exporter writes with encoding otlp_proto).");

    public static final ConfigOption<String> JDBC_URL =
            key("jdbc.url")
                    .stringType()
                    .defaultValue("jdbc:sqlite:meshflow.db")
                    .withDescription(
                            "The results database: jdbc:postgresql://host:5432/db or"
                                    + " jdbc:sqlite:FILE. Missing tables are created at start.");
    public static final ConfigOption<String> JDBC_USER =
            key("jdbc.user").stringType().noDefaultValue().withDescription("The database user.");
    public static final ConfigOption<String> JDBC_PASSWORD =
            key("jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The database password; better in the environment variable "
                                    + "MESHFLOW_JDBC_PASSWORD (command lines show in ps). Never"
                                    + " logged.");

    public static final ConfigOption<WriteMode> WRITE_MODE =
            key("write-mode")
                    .enumType(WriteMode.class)
                    .defaultValue(WriteMode.replace)
                    .withDescription(
                            "What a row already in the database becomes when this run writes its"
                                    + " key: replace (the run's row replaces it; the same input"
                                    + " again rewrites the same values) or merge (the run's calls"
                                    + " are added to it exactly: counters add, percentiles and"
                                    + " apdex come from the merged histogram; bounded input"
                                    + " only).");
    public static final ConfigOption<String> WRITE_MODE_RUN_ID =
            key("write-mode.run-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "With --write-mode merge: the run's id, new for every run by default"
                                    + " (the job prints it). Give the id of a merge run that"
                                    + " failed, or was stopped with a savepoint, to finish it:"
                                    + " its rows are then added once, not twice.");

    public static final ConfigOption<Duration> PAIR_TIMEOUT =
            key("pair.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("How long one side of a request waits for the other side.");
    public static final ConfigOption<Duration> WATERMARK_OUT_OF_ORDERNESS =
            key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bounded out-of-orderness of the input's event time.");
    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            key("allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "How long after a bucket's rows are written late sides may still"
                                    + " update them.");
    public static final ConfigOption<Duration> APDEX_THRESHOLD =
            key("apdex.threshold")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription("The apdex threshold T.");
    public static final ConfigOption<String> APDEX_THRESHOLDS_FILE =
            key("apdex.thresholds-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Per-service apdex thresholds: a file of lines 'service: ms' (#"
                                    + " comments allowed); other services use"
                                    + " --apdex.threshold.");
    public static final ConfigOption<String> ENDPOINT_RULES =
            key("endpoint.rules")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint normalisation rules: a file of lines 'REGEX => REPLACEMENT'"
                                    + " (# comments allowed), matched against the whole endpoint,"
                                    + " the first match wins, $1.. in the replacement.");
    public static final ConfigOption<Boolean> ENDPOINT_NORMALIZE =
            key("endpoint.normalize")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Path segments that are ids (all digits, a UUID, 16 or more hex"
                                    + " digits) become {id}, after the rules.");
    public static final ConfigOption<Integer> ENDPOINT_MAX_PER_SERVICE =
            key("endpoint.max-per-service")
                    .intType()
                    .defaultValue(2000)
                    .withDescription(
                            "Distinct endpoints a service may have in a day; further ones count"
                                    + " under {other} (pipeline_stats.endpoint_overflow_calls).");
    public static final ConfigOption<Duration> EVENT_TIME_MAX_AHEAD =
            key("event-time.max-ahead")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "A side starting further ahead of the wall clock when it is read is a"
                                    + " dead letter (future-start-time) and never moves the"
                                    + " watermark: one wrong clock must not make everyone late.");
    public static final ConfigOption<Integer> PARALLELISM =
            key("parallelism")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "The job's parallelism; default: Flink's (parallelism.default).");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("checkpoint.interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Checkpoint interval for unbounded (Kafka) input: sets Flink's"
                                    + " execution.checkpointing.interval. Default: the Flink"
                                    + " configuration's execution.checkpointing.interval, else"
                                    + " 10s. Bounded input is not checkpointed unless the Flink"
                                    + " configuration says so.");
    public static final ConfigOption<String> CHECKPOINT_DIR =
            key("checkpoint.dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where checkpoints of unbounded (Kafka) input are kept (a path or URI):"
                                    + " sets Flink's execution.checkpointing.dir. Default: the"
                                    + " Flink configuration's; else, for a local run (java -jar),"
                                    + " the folder "
                                    + MeshflowOptions.LOCAL_CHECKPOINT_DIR
                                    + " in the working directory, since Flink's own default"
                                    + " (the JobManager's memory) holds at most 5 MB of state.");
    public static final ConfigOption<StateBackend> STATE_BACKEND =
            key("state.backend")
                    .enumType(StateBackend.class)
                    .noDefaultValue()
                    .withDescription(
                            "hashmap (state on the heap) or rocksdb (state on local disk): sets"
                                    + " Flink's state.backend.type. Default: the Flink"
                                    + " configuration's state.backend.type, else Flink's"
                                    + " default (hashmap).");

    public static final ConfigOption<Duration> PROGRESS_INTERVAL =
            key("progress.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How often a local run of a file or the simulator logs a progress"
                                    + " line.");

    /**
     * Checkpoints of unbounded input when neither --checkpoint.interval nor Flink's configuration
     * sets an interval.
     */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    /**
     * Checkpoints of a local run of unbounded input when neither --checkpoint.dir nor Flink's
     * configuration names a place: a folder in the working directory.
     */
    public static final String LOCAL_CHECKPOINT_DIR = "meshflow-checkpoints";

    /** The job's command line: every option above, and {@code kafka.properties.*}. */
    public static final OptionSet COMMAND_LINE =
            OptionSet.declaredIn(
                    MeshflowOptions.class,
                    "--help",
                    new OptionSet.PassThrough(
                            KAFKA_PROPERTIES_PREFIX,
                            "Any Kafka consumer property, e.g. --kafka.properties.security.protocol"
                                    + " SASL_SSL."));

    /** Every option the command line accepts, besides {@code kafka.properties.*}. */
    public static final List<ConfigOption<?>> ALL = COMMAND_LINE.options();

    /** The formats of input records (SPEC 1.1 and 1.3). */
    public enum InputFormat {
        skywalking,
        otlp
    }

    /** {@code --write-mode}: what this run's rows do to rows already in the database. */
    public enum WriteMode {
        replace,
        merge
    }

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
        return COMMAND_LINE.parse(args);
    }

    /** What {@code --help} prints: the commands, then every option, generated from the above. */
    public static String help() {
        return """
                usage: java -jar meshflow-job.jar [--name value]...          run on an embedded Flink
                       flink run meshflow-job.jar [--name value]...          run on a Flink cluster
                       java -jar meshflow-job.jar produce [--name value]...  publish simulated traffic to Kafka (produce --help)
                       java -jar meshflow-job.jar graph [--name value]...    a picture of the topology in the database (graph --help)
                       java -jar meshflow-job.jar --help | -h                this text

                Durations take Flink's forms (500ms, 10s, 2min). Exit codes: 2 for a bad option or file,
                3 for the database, 4 for Kafka, 1 when the job fails.

                options:
                """
                + COMMAND_LINE.describe();
    }

    /** A bad command line: its message is the one line the user sees. */
    public static final class InvalidOptionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidOptionException(String message) {
            super(message);
        }
    }
}
