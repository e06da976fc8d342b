package io.meshflow.sink;

import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.ServiceKind;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A row's merge_state reads back as the accumulator it was written from, histogram included. */
class MergeStateTest {

    @Test
    void everyCounterAndTheHistogramReadBack() {
        MetricsAccumulator metrics = new MetricsAccumulator();
        for (int latency = 1; latency < 5000; latency += 37) {
            metrics.addCall(latency, latency % 3 != 0, 200 + latency % 400, 500);
        }
        metrics.addConnection(true, true, false, 10, 20, 30);
        metrics.pairedCalls = 7;
        metrics.sides = 11;
        metrics.seen(1000, ServiceKind.MESH);

        MetricsAccumulator read = MergeState.decode(MergeState.encode(metrics));

        assertThat(read)
                .usingRecursiveComparison()
                .ignoringFields("latencies", "fewLatencies", "fewCount")
                .isEqualTo(metrics);
        assertThat(read.latencyHistogram()).isEqualTo(metrics.latencyHistogram());
        for (double p : RowPercentiles.PERCENTILES) {
            assertThat(read.percentileMs(p)).isEqualTo(metrics.percentileMs(p));
        }
    }

    @Test
    void aRowWithoutCallsHasNoHistogram() {
        MetricsAccumulator read = MergeState.decode(MergeState.encode(new MetricsAccumulator()));
        assertThat(read.latencyHistogram()).isNull();
        assertThat(read.latencyCount()).isZero();
        assertThat(read.calls).isZero();
    }
}
