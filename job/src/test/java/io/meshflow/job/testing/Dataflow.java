package io.meshflow.job.testing;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.MeshflowPipeline;
import io.meshflow.job.MeshflowWiring;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.PipelineSettings;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The dataflow alone ({@link MeshflowPipeline#apply}) on the test's MiniCluster at parallelism 2:
 * bounded input in, every table's rows and the dead letters collected, with no file, broker or
 * database in between, like flink-training's test sources and sinks. The input is usually a list of
 * decoded batches, read by one source subtask in list order with the job's own watermarks, so a run
 * is as deterministic as a run of the job from a file.
 */
public final class Dataflow {
    public static final int PARALLELISM = 2;

    private Dataflow() {}

    /**
     * Runs the dataflow on {@code input}, read by one source subtask in list order with the job's
     * own watermarks, and with the settings of a command line; returns when the input is done.
     */
    public static Collected run(List<SideBatch> input, JobSettings settings) throws Exception {
        // As the job runs: no Kryo fallback, no defensive copies between chained operators.
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);

        DataStream<SideBatch> batches =
                env.fromData(input, TypeInformation.of(SideBatch.class))
                        .assignTimestampsAndWatermarks(
                                MeshflowWiring.watermarks(settings.outOfOrderness));
        MeshflowPipeline.Outputs outputs =
                MeshflowPipeline.apply(batches, PipelineSettings.from(settings));

        // One collected stream, each element marked with the output it came from: collecting
        // several streams separately could stall a run on whichever is not being read.
        DataStream<Output> all = outputs.deadLetters().map(Output::deadLetter);
        for (Table table : Table.values()) {
            all = all.union(outputs.rows(table).map(row -> Output.row(table, row)));
        }
        Map<Table, List<MetricRecord>> rows = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            rows.put(table, new ArrayList<>());
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (CloseableIterator<Output> collected = all.executeAndCollect("meshflow dataflow")) {
            collected.forEachRemaining(
                    output -> {
                        if (output.deadLetter != null) {
                            deadLetters.add(output.deadLetter);
                        } else {
                            rows.get(output.table).add(output.row);
                        }
                    });
        }
        return new Collected(rows, deadLetters);
    }

    /** One collected element: a row with the table it was routed to, or a dead letter. */
    public static final class Output {
        public Table table;
        public MetricRecord row;
        public DeadLetter deadLetter;

        public Output() {}

        static Output row(Table table, MetricRecord row) {
            Output output = new Output();
            output.table = table;
            output.row = row;
            return output;
        }

        static Output deadLetter(DeadLetter deadLetter) {
            Output output = new Output();
            output.deadLetter = deadLetter;
            return output;
        }
    }
}
