package io.meshflow.job;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.PipelineSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.sinks.DatabaseSink;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.ScenarioFile;
import io.meshflow.job.testing.SimulatedTraffic;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code --write-mode merge} run that fails and is restored from its last checkpoint writes the
 * rows since then again: they are added once, not twice. The second half of the input is merged
 * into the first half's tables by a job that fails once, at the end of its input, once rows of it
 * are in the database; the tables must equal those of the whole input read in one run.
 */
class MergeRecoveryITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 4);

    private static final int REQUESTS = 12_000;

    /** Set by the attempt that failed; checked so that the test cannot pass without a failure. */
    static final AtomicBoolean FAILED = new AtomicBoolean();

    @TempDir Path dir;

    @Test
    void rowsWrittenAgainAfterARestoreAreAddedOnce() throws Exception {
        List<byte[]> all = SimulatedTraffic.requests(REQUESTS);
        int cut = SimulatedTraffic.requests(REQUESTS / 2).size();
        Path whole = ScenarioFile.write(dir.resolve("whole.bin"), all);
        Path first = ScenarioFile.write(dir.resolve("first.bin"), all.subList(0, cut));
        Path second = ScenarioFile.write(dir.resolve("second.bin"), all.subList(cut, all.size()));

        String expected = "jdbc:sqlite:" + dir.resolve("whole.db");
        MeshflowJob.run(created(whole, expected, "replace"));
        String url = "jdbc:sqlite:" + dir.resolve("halves.db");
        MeshflowJob.run(created(first, url, "merge"));

        JobSettings settings = created(second, url, "merge");
        FAILED.set(false);
        failingOnceAfterACheckpoint(settings).execute("merge, failing once");

        assertThat(FAILED).as("the job failed once, as the test meant").isTrue();
        assertThat(MergeModeITCase.tables(url)).isEqualTo(MergeModeITCase.tables(expected));
    }

    private static JobSettings created(Path input, String url, String mode) throws Exception {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--input",
                            input.toString(),
                            "--jdbc.url",
                            url,
                            "--parallelism",
                            "2",
                            "--write-mode",
                            mode
                        },
                        Map.of());
        Database.createTables(settings);
        return settings;
    }

    /** The job's dataflow and database sink, with a step that fails once: see the class comment. */
    private static StreamExecutionEnvironment failingOnceAfterACheckpoint(JobSettings settings) {
        Configuration config = MeshflowJob.flinkConfig(settings);
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        DataStream<SideBatch> batches = MeshflowWiring.readSides(env, settings);
        MeshflowPipeline.Outputs outputs =
                MeshflowPipeline.apply(batches, PipelineSettings.from(settings));
        DataStream<MetricRecord> rows = null;
        for (Table table : Table.values()) {
            rows = rows == null ? outputs.rows(table) : rows.union(outputs.rows(table));
        }
        JdbcSettings jdbc = JdbcSettings.from(settings);
        DatabaseSink.write(
                List.of(
                        rows.transform(
                                "Fail once at the end",
                                TypeInformation.of(MetricRecord.class),
                                new FailOnceAtTheEnd(jdbc.url(), jdbc.mergeRunId()))),
                outputs.deadLetters(),
                jdbc);
        return env;
    }

    /**
     * Fails its first attempt at the end of its input, once rows of this run are in the database
     * (its merge bases): the restored job emits the rows since its last checkpoint again, among
     * them the final versions of hour and day rows it had written before, and the database writer
     * writes them again.
     */
    static final class FailOnceAtTheEnd extends AbstractStreamOperator<MetricRecord>
            implements OneInputStreamOperator<MetricRecord, MetricRecord>, BoundedOneInput {
        private static final long serialVersionUID = 1L;

        private final String url;
        private final String runId;

        FailOnceAtTheEnd(String url, String runId) {
            this.url = url;
            this.runId = runId;
        }

        @Override
        public void processElement(StreamRecord<MetricRecord> element) {
            output.collect(element);
        }

        @Override
        public void endInput() {
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
                return;
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> FAILED.get() || bases() > 0);
            if (FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("failing once, as the test means to");
            }
        }

        private long bases() throws Exception {
            return Rows.count(
                    url, "SELECT COUNT(*) FROM merge_bases WHERE run_id = '" + runId + "'");
        }
    }
}
