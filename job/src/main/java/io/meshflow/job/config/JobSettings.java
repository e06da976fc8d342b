package io.meshflow.job.config;

import io.meshflow.aggregate.ApdexThresholds;
import io.meshflow.decode.EndpointNames;
import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.otlp.SpanDecoder;
import io.meshflow.decode.skywalking.SideDecoder;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.sink.Dialect;
import io.meshflow.time.Timing;

import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static io.meshflow.job.config.MeshflowOptions.*;

/**
 * The checked settings of one run: everything the pipeline needs, validated before anything starts.
 */
public final class JobSettings {

    /** The environment variable that may hold the database password instead of --jdbc.password. */
    public static final String PASSWORD_ENV = "MESHFLOW_JDBC_PASSWORD";

    /** Where sides come from. */
    public enum SourceKind {
        FILE,
        KAFKA,
        GENERATOR
    }

    public final Configuration options;
    public final SourceKind source;
    public final Dialect dialect;
    public final String jdbcUrl;
    public final String jdbcUser;
    public final String jdbcPassword;
    public final Timing timing;
    public final Duration outOfOrderness;
    public final ApdexThresholds apdex;
    public final EndpointNames endpoints;
    public final int maxEndpointsPerService;
    public final Integer parallelism;

    /** How often a local run of a file or the simulator logs its progress. */
    public final Duration progressInterval;

    /**
     * {@code --checkpoint.interval}, or null: then Flink's configuration decides, else {@link
     * MeshflowOptions#DEFAULT_CHECKPOINT_INTERVAL}.
     */
    public final Duration checkpointInterval;

    /**
     * The input file's real path (null without --input): dead letters name it, so the same file
     * gives the same ids however its path was typed.
     */
    public final String inputFile;

    /** {@code --format}: what the input's records are. */
    public final InputFormat format;

    /** The input format's decoder, with the checks every side passes. */
    public final RecordDecoder decoder;

    /** {@code --write-mode}. */
    public final WriteMode writeMode;

    /**
     * With {@code --write-mode merge}: the run's id, {@code --write-mode.run-id} or new (fixed
     * here, when the job is built, so a restart of the job keeps it); null with replace.
     */
    public final String mergeRunId;

    private JobSettings(Configuration options, Map<String, String> env) {
        this.options = options;
        boolean file = options.contains(INPUT);
        boolean kafka = options.contains(KAFKA_BOOTSTRAP_SERVERS);
        if (file && kafka) {
            throw new InvalidOptionException(
                    "--input and --kafka.bootstrap-servers exclude each other: choose one source");
        }
        this.source = file ? SourceKind.FILE : kafka ? SourceKind.KAFKA : SourceKind.GENERATOR;

        // credentials written into the URL are taken out of it: the URL is printed and drivers
        // echo it in their errors
        JdbcUrlCredentials inUrl = JdbcUrlCredentials.parse(options.get(JDBC_URL));
        this.jdbcUrl = inUrl.url();
        try {
            this.dialect = Dialect.forUrl(jdbcUrl);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--jdbc.url: " + e.getMessage());
        }
        this.jdbcUser = options.getOptional(JDBC_USER).orElse(inUrl.user());
        this.jdbcPassword =
                options.getOptional(JDBC_PASSWORD)
                        .or(() -> Optional.ofNullable(env.get(PASSWORD_ENV)))
                        .orElse(inUrl.password());

        Duration pairTimeout = positive(PAIR_TIMEOUT, options);
        Duration lateness = notNegative(ALLOWED_LATENESS, options);
        this.timing = new Timing(pairTimeout, lateness);
        this.outOfOrderness = notNegative(WATERMARK_OUT_OF_ORDERNESS, options);
        long apdexMs = positive(APDEX_THRESHOLD, options).toMillis();
        this.apdex =
                options.getOptional(APDEX_THRESHOLDS_FILE)
                        .map(path -> thresholdsFile(apdexMs, path))
                        .orElse(ApdexThresholds.uniform(apdexMs));
        boolean idSegments = options.get(ENDPOINT_NORMALIZE);
        this.endpoints =
                options.getOptional(ENDPOINT_RULES)
                        .map(path -> endpointRules(path, idSegments))
                        .orElse(new EndpointNames(List.of(), idSegments));
        this.maxEndpointsPerService = options.get(ENDPOINT_MAX_PER_SERVICE);
        if (maxEndpointsPerService < 1) {
            throw new InvalidOptionException("--endpoint.max-per-service must be at least 1");
        }

        this.checkpointInterval =
                options.contains(CHECKPOINT_INTERVAL)
                        ? positive(CHECKPOINT_INTERVAL, options)
                        : null;
        this.format = options.get(FORMAT);
        SideChecks checks = new SideChecks(notNegative(EVENT_TIME_MAX_AHEAD, options));
        this.decoder =
                switch (format) {
                    case skywalking -> new SideDecoder(checks);
                    case otlp -> new SpanDecoder(checks);
                };
        this.writeMode = options.get(WRITE_MODE);
        if (writeMode == WriteMode.merge) {
            if (source == SourceKind.KAFKA && !options.get(KAFKA_BOUNDED)) {
                throw new InvalidOptionException(
                        "--write-mode merge needs bounded input (--input, the simulator, or"
                                + " --kafka.bounded true): a job that never ends would keep a"
                                + " merge base for every row it ever writes");
            }
            this.mergeRunId =
                    options.getOptional(WRITE_MODE_RUN_ID)
                            .orElseGet(() -> java.util.UUID.randomUUID().toString());
        } else {
            if (options.contains(WRITE_MODE_RUN_ID)) {
                throw new InvalidOptionException("--write-mode.run-id is for --write-mode merge");
            }
            this.mergeRunId = null;
        }
        if (options.get(GENERATOR_REQUESTS) <= 0) {
            throw new InvalidOptionException("--generator.requests must be at least 1");
        }
        this.progressInterval = positive(PROGRESS_INTERVAL, options);
        this.parallelism = options.getOptional(PARALLELISM).orElse(null);
        if (parallelism != null && parallelism < 1) {
            throw new InvalidOptionException("--parallelism must be at least 1");
        }
        if (file) {
            Path input = Path.of(options.get(INPUT));
            if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
                throw new InvalidOptionException(
                        "cannot read --input "
                                + input
                                + ": "
                                + (Files.exists(input) ? "not a readable file" : "no such file"));
            }
            try {
                this.inputFile = input.toRealPath().toString();
            } catch (IOException e) {
                throw new InvalidOptionException("cannot read --input " + input + ": " + e);
            }
        } else {
            this.inputFile = null;
        }
    }

    /**
     * Checks the options of a command line. Throws {@link InvalidOptionException} with one clear
     * line.
     */
    public static JobSettings from(String[] args, Map<String, String> env) {
        return new JobSettings(MeshflowOptions.parse(args), env);
    }

    /** True when the input never ends: Kafka without --kafka.bounded. */
    public boolean unbounded() {
        return source == SourceKind.KAFKA && !options.get(KAFKA_BOUNDED);
    }

    /** Kafka consumer properties given as {@code --kafka.properties.X value}. */
    public Properties kafkaProperties() {
        Properties properties = new Properties();
        options.toMap()
                .forEach(
                        (k, v) -> {
                            if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                                properties.setProperty(
                                        k.substring(KAFKA_PROPERTIES_PREFIX.length()), v);
                            }
                        });
        return properties;
    }

    /**
     * The JDBC URL as it may be printed (SQLite or PostgreSQL URLs carry no password unless the
     * user put one).
     */
    public String printableJdbcUrl() {
        return jdbcUrl;
    }

    private static Duration positive(
            org.apache.flink.configuration.ConfigOption<Duration> option, Configuration c) {
        Duration d = c.get(option);
        if (d.isNegative() || d.isZero()) {
            throw new InvalidOptionException(
                    "--" + option.key() + " must be longer than zero, got " + d);
        }
        return d;
    }

    private static Duration notNegative(
            org.apache.flink.configuration.ConfigOption<Duration> option, Configuration c) {
        Duration d = c.get(option);
        if (d.isNegative()) {
            throw new InvalidOptionException(
                    "--" + option.key() + " must not be negative, got " + d);
        }
        return d;
    }

    private static EndpointNames endpointRules(String path, boolean idSegments) {
        try {
            return EndpointNames.fromFile(Path.of(path), idSegments);
        } catch (IOException e) {
            throw new InvalidOptionException("cannot read --endpoint.rules " + path + ": " + e);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--endpoint.rules " + e.getMessage());
        }
    }

    private static ApdexThresholds thresholdsFile(long defaultMs, String path) {
        try {
            return ApdexThresholds.fromFile(defaultMs, Path.of(path));
        } catch (IOException e) {
            throw new InvalidOptionException(
                    "cannot read --apdex.thresholds-file " + path + ": " + e);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--apdex.thresholds-file " + e.getMessage());
        }
    }
}
