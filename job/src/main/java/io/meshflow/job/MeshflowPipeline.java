package io.meshflow.job;

import io.meshflow.aggregate.CallRouter;
import io.meshflow.aggregate.CapEndpoints;
import io.meshflow.aggregate.MergeRows;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.PreAggregate;
import io.meshflow.aggregate.RouteToTables;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SplitBatches;
import io.meshflow.job.config.PipelineSettings;
import io.meshflow.pair.CallEvent;
import io.meshflow.pair.PairSides;
import io.meshflow.pair.PairSidesOperator;
import io.meshflow.pair.PairingKey;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.util.EnumMap;
import java.util.Map;

/**
 * The job's dataflow, from decoded input to the rows of every table, without its sources and sinks
 * (which {@link MeshflowWiring} attaches):
 *
 * <pre>
 * side batches (decoded, with event-time watermarks) -> split batches -> keyBy pairing key
 *     -> pair sides -> keyBy service and day -> cap endpoints -> pre-aggregate -> keyBy row key -> merge rows -> route to tables
 *     -> rows of each table (one side output per table)
 * split batches -> ignored spans (OpenTelemetry spans that are not calls) -> pre-aggregate
 *     -> keyBy row key (with the calls' rows)
 * split batches -> dead letters (from decoding, and late sides)
 * </pre>
 *
 * Every stateful operator has a stable uid, so savepoints survive changes to the code.
 */
public final class MeshflowPipeline {

    private MeshflowPipeline() {}

    /** What the dataflow produces: the rows of each table, and what could not be counted. */
    public record Outputs(
            Map<Table, DataStream<MetricRecord>> rows, DataStream<DeadLetter> deadLetters) {

        public DataStream<MetricRecord> rows(Table table) {
            return rows.get(table);
        }
    }

    /**
     * Wires the dataflow onto {@code batches}, which must carry event-time timestamps and
     * watermarks.
     */
    public static Outputs apply(DataStream<SideBatch> batches, PipelineSettings settings) {
        SingleOutputStreamOperator<Side> sides =
                batches.process(
                                new SplitBatches(
                                        settings.timing(),
                                        settings.decoder(),
                                        settings.endpoints()))
                        // chained to the source: sides keep their input order up to the pairing
                        // shuffle
                        .setParallelism(batches.getParallelism())
                        .uid("split-batches")
                        .name("Split batches");

        SingleOutputStreamOperator<CallEvent> calls =
                sides.keyBy(new PairingKey(), PairingKey.TYPE)
                        .transform(
                                "Pair sides",
                                TypeInformation.of(CallEvent.class),
                                new PairSidesOperator(new PairSides(settings.timing())))
                        .uid("pair-sides")
                        .name("Pair sides");

        SingleOutputStreamOperator<CallEvent> capped =
                calls.keyBy(CapEndpoints.key(), Types.STRING)
                        .process(
                                new CapEndpoints(
                                        settings.maxEndpointsPerService(), settings.timing()))
                        .uid("cap-endpoints")
                        .name("Cap endpoints per service");

        SingleOutputStreamOperator<MetricRecord> preAggregated =
                capped.transform(
                                "Pre-aggregate",
                                TypeInformation.of(MetricRecord.class),
                                new PreAggregate(
                                        new CallRouter(settings.apdex()), settings.timing()))
                        .uid("pre-aggregate");

        // Spans that are not calls skip pairing: counted in pipeline_stats.ignored_spans, they are
        // pre-aggregated where they are read and join the calls' rows at the row shuffle.
        SingleOutputStreamOperator<MetricRecord> ignoredSpans =
                sides.getSideOutput(SplitBatches.IGNORED_SPANS)
                        .map(CallEvent::ignored)
                        .returns(CallEvent.class)
                        .setParallelism(batches.getParallelism())
                        .uid("ignored-spans")
                        .name("Ignored spans")
                        .transform(
                                "Pre-aggregate ignored spans",
                                TypeInformation.of(MetricRecord.class),
                                new PreAggregate(
                                        new CallRouter(settings.apdex()), settings.timing()))
                        .setParallelism(batches.getParallelism())
                        .uid("pre-aggregate-ignored-spans");

        SingleOutputStreamOperator<MetricRecord> routed =
                preAggregated
                        .union(ignoredSpans)
                        .keyBy(row -> row.key)
                        .process(new MergeRows(settings.timing()))
                        .uid("merge-rows")
                        .name("Merge rows")
                        .process(new RouteToTables())
                        .uid("route-to-tables")
                        .name("Route rows to tables");

        Map<Table, DataStream<MetricRecord>> rows = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            rows.put(table, routed.getSideOutput(RouteToTables.tag(table)));
        }
        return new Outputs(rows, sides.getSideOutput(SplitBatches.DEAD_LETTERS));
    }
}
