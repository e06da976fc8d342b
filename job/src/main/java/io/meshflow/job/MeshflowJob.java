package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.KafkaSettings;
import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.job.config.OptionSet;
import io.meshflow.job.config.Secrets;
import io.meshflow.job.progress.ProgressReporter;
import io.meshflow.job.progress.ProgressReporterFactory;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.sinks.Summary;
import io.meshflow.job.sources.KafkaCheck;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * meshflow's main class: {@code java -jar meshflow-job.jar [options]} runs it on an embedded Flink,
 * {@code flink run meshflow-job.jar [options]} on a cluster. See README.md for the options.
 */
public final class MeshflowJob {

    private MeshflowJob() {}

    public static void main(String[] args) {
        int code = execute(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command line; returns the exit code. Anything that stops the job is reported as one
     * line on {@code err}: 2 for a bad option or unreadable file, 3 for an unusable database, 4 for
     * an unusable Kafka broker or topic, 1 for a failed job.
     */
    static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (OptionSet.wantsHelp(args)) {
            out.print(MeshflowOptions.help());
            out.flush();
            return 0;
        }
        // every line below may quote a URL, a driver's or a client's message: none shows a secret
        Secrets secrets = Secrets.of(args, env);
        Consumer<String> fail = line -> err.println(secrets.redact("meshflow: " + line));
        JobSettings settings;
        try {
            settings = JobSettings.from(args, env);
        } catch (InvalidOptionException e) {
            fail.accept(e.getMessage());
            return 2;
        }
        try {
            Database.createTables(settings);
        } catch (SQLException e) {
            fail.accept(
                    "cannot use the database " + settings.printableJdbcUrl() + ": " + oneLine(e));
            return 3;
        }
        if (settings.source == JobSettings.SourceKind.KAFKA) {
            try {
                KafkaCheck.verify(KafkaSettings.from(settings));
            } catch (KafkaCheck.KafkaUnavailableException e) {
                fail.accept(e.getMessage());
                return 4;
            }
        }
        if (settings.mergeRunId != null) {
            out.println(
                    "meshflow: --write-mode merge, run id "
                            + settings.mergeRunId
                            + " (should this run fail, or stop at a savepoint, finish it with"
                            + " --write-mode.run-id "
                            + settings.mergeRunId
                            + ")");
        }
        JobExecutionResult result;
        try {
            result = run(settings);
        } catch (Exception e) {
            fail.accept("the job failed: " + oneLine(ExceptionUtils.stripExecutionException(e)));
            return 1;
        }
        if (result.isJobExecutionResult()) {
            if (settings.mergeRunId != null) {
                try {
                    Database.forgetMergeRun(settings);
                } catch (SQLException e) {
                    // bookkeeping only: the rows are written
                    err.println(
                            secrets.redact(
                                    "meshflow: could not forget the merge bases of run "
                                            + settings.mergeRunId
                                            + ": "
                                            + oneLine(e)));
                }
            }
            Summary.print(settings, out);
        }
        return 0;
    }

    /**
     * Builds and runs the job; returns when a bounded input is consumed and every result written.
     */
    public static JobExecutionResult run(JobSettings settings) throws Exception {
        return environment(settings, flinkConfig(settings)).execute("meshflow");
    }

    /** Builds and submits the job without waiting for it: for unbounded input. */
    public static JobClient start(JobSettings settings) throws Exception {
        return start(settings, flinkConfig(settings));
    }

    /**
     * As {@link #start(JobSettings)}, with Flink settings of the caller's (e.g. a savepoint to
     * resume from).
     */
    public static JobClient start(JobSettings settings, Configuration flinkConfig)
            throws Exception {
        return environment(settings, flinkConfig).executeAsync("meshflow");
    }

    static StreamExecutionEnvironment environment(JobSettings settings, Configuration flinkConfig) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
        if (settings.parallelism != null) {
            env.setParallelism(settings.parallelism);
        }
        if (settings.unbounded() && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            // Exactly-once state; with whole-row upserts that makes the tables exactly-once in
            // effect. Neither --checkpoint.interval nor Flink's configuration (a cluster's, merged
            // in by getExecutionEnvironment under flink run) chose an interval: use ours.
            env.enableCheckpointing(MeshflowOptions.DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        if (settings.unbounded()
                && env instanceof LocalStreamEnvironment
                && env.getConfiguration()
                        .getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                        .isEmpty()) {
            // java -jar on Kafka: Flink's default keeps checkpoints in the JobManager's memory,
            // 5 MB at most, which a busy mesh's pairing state passes in seconds (every checkpoint
            // then fails and the job restarts). Keep them in files beside the results instead.
            Configuration local = new Configuration();
            local.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    checkpointUri(MeshflowOptions.LOCAL_CHECKPOINT_DIR));
            env.configure(local);
        }
        MeshflowWiring.build(env, settings);
        return env;
    }

    /**
     * Flink settings of a run: no Kryo fallback anywhere, no defensive copies between chained
     * operators, and Flink's own keys for --state.backend and (unbounded input)
     * --checkpoint.interval when given. What is not set here is left to Flink's configuration:
     * under flink run the cluster's, which getExecutionEnvironment merges under these; with java
     * -jar Flink's defaults (heap state; checkpoints every {@link
     * MeshflowOptions#DEFAULT_CHECKPOINT_INTERVAL} for unbounded input, see {@link #environment}).
     */
    public static Configuration flinkConfig(JobSettings settings) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, true);
        settings.options
                .getOptional(MeshflowOptions.STATE_BACKEND)
                .ifPresent(
                        backend -> config.set(StateBackendOptions.STATE_BACKEND, backend.name()));
        if (settings.unbounded() && settings.checkpointInterval != null) {
            config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval);
        }
        settings.options
                .getOptional(MeshflowOptions.CHECKPOINT_DIR)
                .ifPresent(
                        dir ->
                                config.set(
                                        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                                        checkpointUri(dir)));
        if (settings.source != JobSettings.SourceKind.KAFKA) {
            // a progress line now and then while a file or the simulator is read; only an
            // embedded Flink starts reporters from this configuration (a cluster has its own)
            config.setString(
                    ProgressReporter.CONFIG_PREFIX + "factory.class",
                    ProgressReporterFactory.class.getName());
            config.setString(
                    ProgressReporter.CONFIG_PREFIX + "interval",
                    settings.progressInterval.toMillis() + " ms");
        }
        return config;
    }

    /** A checkpoint place as Flink takes it: a URI as given, a path as an absolute file URI. */
    private static String checkpointUri(String dir) {
        return dir.contains("://") ? dir : Path.of(dir).toAbsolutePath().toUri().toString();
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root != e && e.getMessage() != null && !e.getMessage().equals(message)) {
            message = e.getMessage() + " (" + message + ")";
        }
        return message.replaceAll("\\s*\\n\\s*", " ");
    }
}
