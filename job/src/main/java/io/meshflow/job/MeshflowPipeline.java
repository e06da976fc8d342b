package io.meshflow.job;

import io.meshflow.aggregate.CallRouter;
import io.meshflow.aggregate.MergeRows;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.PreAggregate;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideWatermarks;
import io.meshflow.decode.SplitBatches;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.sinks.JdbcSinks;
import io.meshflow.job.sources.DelimitedFrameFormat;
import io.meshflow.job.sources.KafkaSides;
import io.meshflow.job.sources.SimulatorSource;
import io.meshflow.pair.CallEvent;
import io.meshflow.pair.PairSides;
import io.meshflow.pair.PairingKey;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The job's dataflow:
 *
 * <pre>
 * source (decodes) -> split batches -> keyBy pairing key -> pair sides -> pre-aggregate
 *     -> keyBy row key -> merge rows -> one JDBC sink per table
 * dead letters (from decoding, and late sides) -> JDBC sink
 * </pre>
 *
 * Every stateful operator, source and sink has a stable uid, so savepoints survive changes to the
 * code.
 */
public final class MeshflowPipeline {

    /** How long a Kafka partition may be silent before it stops holding the watermark back. */
    static final Duration KAFKA_IDLENESS = Duration.ofSeconds(10);

    private MeshflowPipeline() {}

    public static void build(StreamExecutionEnvironment env, JobSettings settings) {
        DataStream<SideBatch> batches = readSides(env, settings);
        SingleOutputStreamOperator<Side> sides =
                batches.process(new SplitBatches(settings.timing, settings.decoder))
                        // chained to the source: sides keep their input order up to the pairing
                        // shuffle
                        .setParallelism(batches.getParallelism())
                        .uid("split-batches")
                        .name("Split batches");

        SingleOutputStreamOperator<CallEvent> calls =
                sides.keyBy(new PairingKey(), PairingKey.TYPE)
                        .process(new PairSides(settings.timing))
                        .uid("pair-sides")
                        .name("Pair sides");

        SingleOutputStreamOperator<MetricRecord> rows =
                calls.transform(
                                "Pre-aggregate",
                                TypeInformation.of(MetricRecord.class),
                                new PreAggregate(new CallRouter(settings.apdex), settings.timing))
                        .uid("pre-aggregate")
                        .keyBy(row -> row.key)
                        .process(new MergeRows(settings.timing))
                        .uid("merge-rows")
                        .name("Merge rows");

        for (Table table : Table.values()) {
            rows.filter(row -> row.key.table == table)
                    .name("Rows of " + table.sqlName())
                    .sinkTo(JdbcSinks.rows(settings, table))
                    .uid("sink-" + table.sqlName())
                    .name("Upsert " + table.sqlName());
        }

        sides.getSideOutput(SplitBatches.DEAD_LETTERS)
                .sinkTo(JdbcSinks.deadLetters(settings))
                .uid("sink-dead_letters")
                .name("Insert dead_letters");
    }

    private static DataStream<SideBatch> readSides(
            StreamExecutionEnvironment env, JobSettings settings) {
        Duration outOfOrderness = settings.outOfOrderness;
        WatermarkStrategy<SideBatch> watermarks =
                WatermarkStrategy.<SideBatch>forGenerator(
                                context -> new SideWatermarks(outOfOrderness))
                        .withTimestampAssigner((batch, recordTimestamp) -> batch.eventTime);
        return switch (settings.source) {
            case FILE -> {
                String file = settings.inputFile;
                Source<SideBatch, ?, ?> source =
                        FileSource.forRecordStreamFormat(
                                        new DelimitedFrameFormat(file, settings.decoder),
                                        new Path(file))
                                .build();
                yield env.fromSource(source, watermarks, "File " + file)
                        .setParallelism(1)
                        .uid("source-file");
            }
            case GENERATOR ->
                    env.fromSource(
                                    SimulatorSource.create(
                                            settings.options.get(
                                                    MeshflowOptions.GENERATOR_REQUESTS),
                                            settings.options.get(MeshflowOptions.GENERATOR_SEED),
                                            settings.decoder),
                                    watermarks,
                                    "Simulator")
                            // one reader keeps simulated time in order; the simulator is cheap next
                            // to the job
                            .setParallelism(1)
                            .uid("source-simulator");
            case KAFKA ->
                    env.fromSource(
                                    KafkaSides.create(settings),
                                    // per partition; a partition without records stops holding the
                                    // watermark back
                                    watermarks.withIdleness(KAFKA_IDLENESS),
                                    "Kafka " + settings.options.get(MeshflowOptions.KAFKA_TOPIC))
                            .uid("source-kafka");
        };
    }
}
