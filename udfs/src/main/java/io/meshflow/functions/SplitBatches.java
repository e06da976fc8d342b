package io.meshflow.functions;

import io.meshflow.records.DeadLetter;
import io.meshflow.records.Side;
import io.meshflow.records.SideBatch;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Unpacks the sides of each decoded input record; its dead letters go to a side output. */
public class SplitBatches extends ProcessFunction<SideBatch, Side> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    @Override
    public void processElement(SideBatch batch, Context ctx, Collector<Side> out) {
        for (Side side : batch.sides) {
            out.collect(side);
        }
        for (DeadLetter deadLetter : batch.deadLetters) {
            ctx.output(DEAD_LETTERS, deadLetter);
        }
    }
}
