package io.meshflow.job;

import io.meshflow.job.config.JobSettings;

import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.tasks.CheckpointCoordinatorConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpointing and the state backend: the command line wins, else Flink's configuration, else
 * meshflow's defaults. "Flink's configuration" is the cluster's as {@code flink run} hands it over:
 * {@link StreamContextEnvironment#setAsContext} with the configuration the CLI loaded from {@code
 * FLINK_CONF_DIR}, exactly as Flink's client does before it calls the job's main; the job graph is
 * then built as for submission, and its settings read back.
 */
class FlinkConfigurationPrecedenceTest {

    private static final String KAFKA = "--kafka.bootstrap-servers";

    @AfterEach
    void forgetTheCluster() {
        StreamContextEnvironment.unsetAsContext();
    }

    @Test
    void withoutFlinkSettingsKafkaInputIsCheckpointedEveryTenSeconds() {
        JobGraph job = jobGraph(new Configuration(), KAFKA, "k:9092");
        assertThat(checkpointInterval(job)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theClustersCheckpointIntervalAppliesWhenTheCommandLineHasNone() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(3));
        JobGraph job = jobGraph(cluster, KAFKA, "k:9092");
        assertThat(checkpointInterval(job)).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void theCommandLinesCheckpointIntervalWins() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(3));
        JobGraph job = jobGraph(cluster, KAFKA, "k:9092", "--checkpoint.interval", "750ms");
        assertThat(checkpointInterval(job)).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void boundedInputIsNotCheckpointedUnlessFlinkSaysSo() {
        assertThat(checkpointInterval(jobGraph(new Configuration()))).isNull();
        assertThat(
                        checkpointInterval(
                                jobGraph(
                                        new Configuration(),
                                        KAFKA,
                                        "k:9092",
                                        "--kafka.bounded",
                                        "true",
                                        "--checkpoint.interval",
                                        "1s")))
                .as("--checkpoint.interval is for unbounded input")
                .isNull();

        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(3));
        assertThat(checkpointInterval(jobGraph(cluster))).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void theClustersStateBackendAppliesWhenTheCommandLineHasNone() {
        Configuration cluster = new Configuration();
        cluster.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        assertThat(stateBackend(jobGraph(cluster, KAFKA, "k:9092"))).isEqualTo("rocksdb");
    }

    @Test
    void theCommandLinesStateBackendWins() {
        Configuration cluster = new Configuration();
        cluster.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        assertThat(stateBackend(jobGraph(cluster, KAFKA, "k:9092", "--state.backend", "hashmap")))
                .isEqualTo("hashmap");
    }

    @Test
    void withoutEitherTheStateBackendIsFlinksDefault() {
        JobGraph job = jobGraph(new Configuration(), KAFKA, "k:9092");
        assertThat(job.getJobConfiguration().getOptional(StateBackendOptions.STATE_BACKEND))
                .isEmpty();
    }

    @Test
    void withoutAClusterTheCallersFlinkConfigurationCounts() {
        // java -jar and the ITCases: no context environment, Flink's configuration is the one
        // handed to MeshflowJob.start.
        JobSettings settings = JobSettings.from(new String[] {KAFKA, "k:9092"}, Map.of());
        Configuration flink = MeshflowJob.flinkConfig(settings);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(42));
        StreamExecutionEnvironment env = MeshflowJob.environment(settings, flink);
        assertThat(checkpointInterval(env.getStreamGraph().getJobGraph()))
                .isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void aLocalKafkaRunKeepsItsCheckpointsInFilesNotInTheJobManagersMemory() {
        // Flink's default (the JobManager's memory) holds 5 MB: a busy mesh passes it in seconds.
        JobSettings settings = JobSettings.from(new String[] {KAFKA, "k:9092"}, Map.of());
        StreamExecutionEnvironment env =
                MeshflowJob.environment(settings, MeshflowJob.flinkConfig(settings));
        assertThat(checkpointDir(env.getStreamGraph().getJobGraph()))
                .isEqualTo(Path.of("meshflow-checkpoints").toAbsolutePath().toUri().toString());
    }

    @Test
    void onAClusterItsCheckpointStorageApplies() {
        assertThat(checkpointDir(jobGraph(new Configuration(), KAFKA, "k:9092"))).isNull();
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        assertThat(checkpointDir(jobGraph(cluster, KAFKA, "k:9092")))
                .isEqualTo("s3://bucket/checkpoints");
    }

    @Test
    void theCommandLinesCheckpointDirWins() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        assertThat(
                        checkpointDir(
                                jobGraph(
                                        cluster,
                                        KAFKA,
                                        "k:9092",
                                        "--checkpoint.dir",
                                        "hdfs://nn/meshflow")))
                .isEqualTo("hdfs://nn/meshflow");
    }

    private static String checkpointDir(JobGraph job) {
        return job.getJobConfiguration()
                .getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                .orElse(null);
    }

    /** The job graph the job submits when {@code flink run} runs it on this cluster. */
    private static JobGraph jobGraph(Configuration cluster, String... args) {
        StreamContextEnvironment.setAsContext(
                new DefaultExecutorServiceLoader(),
                cluster,
                FlinkConfigurationPrecedenceTest.class.getClassLoader(),
                true,
                true);
        JobSettings settings = JobSettings.from(args, Map.of());
        StreamExecutionEnvironment env =
                MeshflowJob.environment(settings, MeshflowJob.flinkConfig(settings));
        assertThat(env).isInstanceOf(StreamContextEnvironment.class);
        return env.getStreamGraph().getJobGraph();
    }

    /** The interval the JobManager's checkpoint coordinator gets, or null for none. */
    private static Duration checkpointInterval(JobGraph job) {
        long interval =
                job.getCheckpointingSettings()
                        .getCheckpointCoordinatorConfiguration()
                        .getCheckpointInterval();
        return interval == CheckpointCoordinatorConfiguration.DISABLED_CHECKPOINT_INTERVAL
                ? null
                : Duration.ofMillis(interval);
    }

    /** The state backend the job's tasks are configured with. */
    private static String stateBackend(JobGraph job) {
        return job.getJobConfiguration().get(StateBackendOptions.STATE_BACKEND);
    }
}
