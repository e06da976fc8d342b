package io.meshflow.sink;

import io.meshflow.aggregate.MetricsAccumulator;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** One pass gives each percentile exactly as {@link MetricsAccumulator#percentileMs} does. */
class RowPercentilesTest {

    @Test
    void everyPercentileEqualsTheAccumulatorsOwn() {
        Random random = new Random(3);
        for (int row = 0; row < 2000; row++) {
            MetricsAccumulator metrics = new MetricsAccumulator();
            int calls = random.nextInt(40);
            int spread = 1 + random.nextInt(row % 2 == 0 ? 50 : 100_000);
            for (int c = 0; c < calls; c++) {
                metrics.addCall(random.nextInt(spread), random.nextBoolean(), 200, 500);
            }
            for (int i = 0; i < RowPercentiles.PERCENTILES.length; i++) {
                assertThat(RowPercentiles.of(metrics, i))
                        .as("row %d p%s", row, RowPercentiles.PERCENTILES[i])
                        .isEqualTo(metrics.percentileMs(RowPercentiles.PERCENTILES[i]));
            }
        }
    }

    @Test
    void aRowChangedSinceItsLastUseIsComputedAgain() {
        MetricsAccumulator metrics = new MetricsAccumulator();
        metrics.addCall(10, true, 200, 500);
        assertThat(RowPercentiles.of(metrics, 4)).isEqualTo(10);
        metrics.addCall(900, true, 200, 500);
        assertThat(RowPercentiles.of(metrics, 4))
                .isEqualTo(metrics.percentileMs(99))
                .isGreaterThan(800);
        assertThat(RowPercentiles.of(new MetricsAccumulator(), 0)).isZero();
    }
}
