package io.meshflow.decode;

import io.meshflow.aggregate.MergeRows;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Unpacks the sides of each decoded input record; its dead letters go to a side output. Every
 * side's endpoint is normalised here ({@link EndpointNames}), once, for every input format.
 *
 * <p>It also finds late sides: those whose minute bucket was forgotten by the watermark here. A
 * late one is kept whole in dead_letters and still sent on, marked, to be counted in
 * pipeline_stats.late_sides. The watermark downstream is not ahead of this one, except when an idle
 * Kafka partition resumes behind the others; {@link MergeRows} then keeps the rows it wrote rather
 * than overwrite them with a part.
 */
public class SplitBatches extends ProcessFunction<SideBatch, Side> {
    private static final long serialVersionUID = 1L;

    /** What could not be decoded or used, and late sides. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /**
     * The start times (ms) of spans that are not calls between services, to count in
     * pipeline_stats.ignored_spans (SPEC 1.3). A span without a start time counts in the minute it
     * was read (here, chained to its source), not in 1970.
     */
    public static final OutputTag<Long> IGNORED_SPANS = new OutputTag<>("ignored-spans") {};

    private final Timing timing;
    private final RecordDecoder decoder;
    private final EndpointNames endpoints;
    private transient Counter deadLetters;

    /**
     * @param decoder the input's format, to keep a late side whole in it
     */
    public SplitBatches(Timing timing, RecordDecoder decoder) {
        this(timing, decoder, EndpointNames.BUILT_IN);
    }

    /**
     * @param decoder the input's format, to keep a late side whole in it
     * @param endpoints how endpoints are normalised
     */
    public SplitBatches(Timing timing, RecordDecoder decoder, EndpointNames endpoints) {
        this.timing = timing;
        this.decoder = decoder;
        this.endpoints = endpoints;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(SideBatch batch, Context ctx, Collector<Side> out) {
        long watermark = ctx.timerService().currentWatermark();
        for (Side side : batch.sides) {
            if (timing.isLate(side.startTime, watermark)) {
                side.late = true;
                deadLetters.inc();
                ctx.output(DEAD_LETTERS, decoder.lateDeadLetter(batch, side));
            }
            // after the dead letter, which keeps the side as it came
            side.endpoint = endpoints.normalize(side.endpoint);
            out.collect(side);
        }
        for (long start : batch.ignoredSpanStarts) {
            ctx.output(IGNORED_SPANS, start == 0 ? System.currentTimeMillis() : start);
        }
        for (DeadLetter deadLetter : batch.deadLetters) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, deadLetter);
        }
    }
}
