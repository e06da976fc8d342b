package io.meshflow.decode;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import java.time.Duration;

/**
 * Bounded out-of-orderness, like Flink's own generator, but emitted only from the input: as soon as
 * event time has moved on by a second, never on the periodic (wall-clock) tick. So whether a side
 * is late, paired or timed out depends on the order of the input alone, not on how fast it was
 * read: a replay gives the same tables as the live run, and two runs over one file give the same
 * rows. At most one watermark per second of event time keeps the cost of watermarks down; the end
 * of a bounded input brings the final watermark, and an idle Kafka partition is handled by the
 * source's idleness.
 */
public final class SideWatermarks implements WatermarkGenerator<SideBatch> {
    private static final long EMIT_EVERY_MS = 1_000;

    private final long outOfOrdernessMs;
    private long maxTimestamp;
    private long lastEmitted = Long.MIN_VALUE;

    public SideWatermarks(Duration outOfOrderness) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMs + 1;
    }

    @Override
    public void onEvent(SideBatch batch, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
            long watermark = current();
            if (lastEmitted == Long.MIN_VALUE || watermark - lastEmitted >= EMIT_EVERY_MS) {
                emit(watermark, output);
            }
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // Deliberately nothing: a watermark emitted on a wall-clock tick lands between records at a
        // place that depends on the reading speed, and timers would fire at different records.
    }

    private long current() {
        return maxTimestamp - outOfOrdernessMs - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        lastEmitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
