package io.meshflow.job;

import io.meshflow.job.config.JobSettings;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who writes the database: one sink for every table and the dead letters, with one writer for a
 * whole job on SQLite (so a fresh SQLite file is never opened by several writers at once, and they
 * never queue for its one write lock) and one per subtask on PostgreSQL. Read from the job's stream
 * graph as it is built for submission.
 */
class DatabaseWritersTest {

    @Test
    void sqliteHasOneWriterForTheWholeJob() {
        List<StreamNode> writers = databaseWriters("jdbc:sqlite:x.db", 2);
        assertThat(writers).hasSize(1);
        assertThat(writers.get(0).getParallelism()).isEqualTo(1);
    }

    @Test
    void postgresHasAWriterPerSubtask() {
        List<StreamNode> writers = databaseWriters("jdbc:postgresql://db/meshflow", 2);
        assertThat(writers).hasSize(1);
        assertThat(writers.get(0).getParallelism()).isEqualTo(2);
    }

    @Test
    void theWriterHasAStableUid() {
        assertThat(databaseWriters("jdbc:sqlite:x.db", 2).get(0).getTransformationUID())
                .isEqualTo("sink-database");
    }

    /** The stream nodes that write the database (the writers of sinks named "Upsert ..."). */
    private static List<StreamNode> databaseWriters(String url, int parallelism) {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--jdbc.url", url, "--parallelism", String.valueOf(parallelism)
                        },
                        Map.of());
        StreamExecutionEnvironment env =
                MeshflowJob.environment(settings, MeshflowJob.flinkConfig(settings));
        StreamGraph graph = env.getStreamGraph();
        List<StreamNode> sinks =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().contains("Upsert"))
                        .toList();
        return sinks.stream().filter(n -> !n.getOperatorName().contains("Committer")).toList();
    }
}
