package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.FailureFreeComparison;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.ReleaseSavepoints;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.meshflow.job.testing.FailureFreeComparison.committedOffsets;
import static io.meshflow.job.testing.FailureFreeComparison.produceClock;
import static io.meshflow.job.testing.FailureFreeComparison.produceFirstPart;
import static io.meshflow.job.testing.FailureFreeComparison.produceRest;
import static io.meshflow.job.testing.FailureFreeComparison.trafficSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every kept savepoint of a released version (see {@link ReleaseSavepoints}) resumes in this build:
 * the tables it had written when it stopped, with the rest of the input, end exactly as a run
 * without the stop.
 */
class ReleaseSavepointITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    private static FailureFreeComparison comparison;

    @TempDir Path dir;

    @BeforeAll
    static void runWithoutTheStop(@TempDir Path dir) throws Exception {
        comparison =
                FailureFreeComparison.runWithoutFailure(
                        dir, "jdbc:sqlite:" + dir.resolve("reference.db"));
    }

    @Test
    void theSavepointOfEveryReleaseIsKept() throws Exception {
        assertThat(ReleaseSavepoints.versions()).contains("0.1.0");
    }

    @ParameterizedTest
    @MethodSource("io.meshflow.job.testing.ReleaseSavepoints#versions")
    void aReleasesSavepointResumesIntoTheTablesOfARunWithoutTheStop(String version)
            throws Exception {
        // The topic as the savepoint left it, and the rest of the input after it: the same offsets.
        String topic = ReleaseSavepoints.createTopic(version);
        produceFirstPart(topic);
        produceRest(topic);
        Path db = dir.resolve("resumed.db");
        Files.copy(ReleaseSavepoints.tablesAtStop(version), db);
        String url = "jdbc:sqlite:" + db;

        // Starting at the latest offsets unless restored: a job that ignored the savepoint would
        // read none of the traffic.
        JobSettings settings = ReleaseSavepoints.settings(topic, url, "latest");
        Configuration flink = MeshflowJob.flinkConfig(settings);
        flink.set(
                StateRecoveryOptions.SAVEPOINT_PATH,
                ReleaseSavepoints.savepoint(version).toUri().toString());
        JobClient job = MeshflowJob.start(settings, flink);
        try {
            // The clock (two days ahead) only once both partitions' traffic is read: a reader slow
            // to start after the restore would otherwise be passed by the other's clock, as it
            // would in production.
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> committedOffsets("group-" + topic) == trafficSize());
            produceClock(topic);
            comparison.awaitTablesEqualFailureFree(
                    topic, url, () -> String.valueOf(job.getJobStatus().get()));
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }
}
