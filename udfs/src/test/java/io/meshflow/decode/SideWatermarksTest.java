package io.meshflow.decode;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Watermarks come from the input alone, so the same input fires timers at the same records. */
class SideWatermarksTest {
    private static final long T0 = 1_767_261_600_000L;

    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    emitted.add(watermark.getTimestamp());
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    @Test
    void theWallClockTickEmitsNothing() {
        SideWatermarks watermarks = new SideWatermarks(Duration.ofSeconds(5));
        watermarks.onEvent(new SideBatch(), T0, output);
        watermarks.onEvent(new SideBatch(), T0 + 400, output);
        watermarks.onPeriodicEmit(output);
        watermarks.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(T0 - 5_000 - 1);
    }

    @Test
    void eventTimeMovingOnByASecondEmitsWhereTheRecordIs() {
        SideWatermarks watermarks = new SideWatermarks(Duration.ofSeconds(5));
        long[] times = {T0, T0 + 300, T0 + 999, T0 + 1_000, T0 + 700, T0 + 2_500, T0 + 2_600};
        List<Integer> emittedAt = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            int before = emitted.size();
            watermarks.onEvent(new SideBatch(), times[i], output);
            watermarks.onPeriodicEmit(output);
            if (emitted.size() > before) {
                emittedAt.add(i);
            }
        }

        assertThat(emittedAt).containsExactly(0, 3, 5);
        assertThat(emitted).containsExactly(T0 - 5_001, T0 + 1_000 - 5_001, T0 + 2_500 - 5_001);
    }
}
