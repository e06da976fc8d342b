package io.meshflow.job;

import io.meshflow.aggregate.Table;
import io.meshflow.job.config.JobSettings;

import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

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

    /**
     * Merge rows hands on the accumulator it keeps in state, not a copy (the job runs with object
     * reuse): only operators that pass a row on without keeping it may be chained after it, so that
     * the row is serialized at the writers' shuffle before its state changes again. And that is the
     * row's only serialization on its way to the writers.
     */
    @Test
    void rowsAreSerializedBeforeAnythingCouldKeepThem() {
        for (String url : List.of("jdbc:sqlite:x.db", "jdbc:postgresql://db/meshflow")) {
            JobGraph job = environment(url, 2).getStreamGraph().getJobGraph();
            List<String> chained =
                    StreamSupport.stream(job.getVertices().spliterator(), false)
                            .map(JobVertex::getName)
                            .filter(name -> name.contains("Merge rows"))
                            .toList();
            // one chain: merging, routing to tables, marking each table's rows for the writer
            assertThat(chained).hasSize(1);
            assertThat(chained.get(0).split(" -> ", 3))
                    .containsExactly(
                            "Merge rows",
                            "Route rows to tables",
                            "("
                                    + String.join(
                                            ", ",
                                            Collections.nCopies(
                                                    Table.values().length, "Rows to write"))
                                    + ")");
        }
    }

    /** The stream nodes that write the database (the writers of sinks named "Upsert ..."). */
    private static List<StreamNode> databaseWriters(String url, int parallelism) {
        StreamGraph graph = environment(url, parallelism).getStreamGraph();
        List<StreamNode> sinks =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().contains("Upsert"))
                        .toList();
        return sinks.stream().filter(n -> !n.getOperatorName().contains("Committer")).toList();
    }

    private static StreamExecutionEnvironment environment(String url, int parallelism) {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--jdbc.url", url, "--parallelism", String.valueOf(parallelism)
                        },
                        Map.of());
        return MeshflowJob.environment(settings, MeshflowJob.flinkConfig(settings));
    }
}
