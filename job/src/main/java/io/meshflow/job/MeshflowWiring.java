package io.meshflow.job;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideWatermarks;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.KafkaSettings;
import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.PipelineSettings;
import io.meshflow.job.sinks.DatabaseSink;
import io.meshflow.job.sources.DelimitedFrameFormat;
import io.meshflow.job.sources.KafkaSides;
import io.meshflow.job.sources.SimulatorSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The job around {@link MeshflowPipeline}: the source the settings choose (a file, Kafka or the
 * simulator) in front of it, the database sink behind it.
 *
 * <pre>
 * source (decodes) -> {@link MeshflowPipeline#apply} -> rows of every table, dead letters
 *     -> keyBy table row -> {@link DatabaseSink} (one transaction per flush)
 * </pre>
 *
 * Every source and sink has a stable uid, so savepoints survive changes to the code.
 */
public final class MeshflowWiring {

    /** How long a Kafka partition may be silent before it stops holding the watermark back. */
    static final Duration KAFKA_IDLENESS = Duration.ofSeconds(10);

    private MeshflowWiring() {}

    /** Adds the whole job to {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobSettings settings) {
        MeshflowPipeline.Outputs outputs =
                MeshflowPipeline.apply(readSides(env, settings), PipelineSettings.from(settings));
        writeToDatabase(outputs, JdbcSettings.from(settings));
    }

    /**
     * Event time of the sides, with the watermarks every source uses: bounded out-of-orderness,
     * emitted as event time moves on (see {@link SideWatermarks}).
     */
    public static WatermarkStrategy<SideBatch> watermarks(Duration outOfOrderness) {
        return WatermarkStrategy.<SideBatch>forGenerator(
                        context -> new SideWatermarks(outOfOrderness))
                .withTimestampAssigner((batch, recordTimestamp) -> batch.eventTime);
    }

    /**
     * The side batches of the input the settings name (file, simulator or Kafka), with event-time
     * watermarks: the job's source, for tests and benchmarks that wire their own end.
     */
    public static DataStream<SideBatch> readSides(
            StreamExecutionEnvironment env, JobSettings settings) {
        WatermarkStrategy<SideBatch> watermarks = watermarks(settings.outOfOrderness);
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
                                            settings.format,
                                            settings.decoder),
                                    watermarks,
                                    "Simulator")
                            // one reader keeps simulated time in order; the simulator is cheap next
                            // to the job
                            .setParallelism(1)
                            .uid("source-simulator");
            case KAFKA -> {
                KafkaSettings kafka = KafkaSettings.from(settings);
                yield env.fromSource(
                                KafkaSides.create(kafka, settings.decoder),
                                // per partition; a partition without records stops holding the
                                // watermark back
                                watermarks.withIdleness(KAFKA_IDLENESS),
                                "Kafka " + kafka.topic())
                        .uid("source-kafka");
            }
        };
    }

    private static void writeToDatabase(MeshflowPipeline.Outputs outputs, JdbcSettings jdbc) {
        List<DataStream<MetricRecord>> rows = new ArrayList<>();
        for (Table table : Table.values()) {
            rows.add(outputs.rows(table));
        }
        DatabaseSink.write(rows, outputs.deadLetters(), jdbc);
    }
}
