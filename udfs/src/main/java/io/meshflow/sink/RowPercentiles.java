package io.meshflow.sink;

import io.meshflow.aggregate.MetricsAccumulator;

/**
 * The five percentile columns of a row (p50, p75, p90, p95, p99), found in one pass over the
 * histogram ({@link MetricsAccumulator#percentilesMs}) instead of five: the columns are bound one
 * after another, and walking the histogram was a third of the writer's time. The last row's values
 * are kept per thread and found again when another row (or a changed one) asks.
 */
final class RowPercentiles {
    static final double[] PERCENTILES = {50, 75, 90, 95, 99};

    private static final ThreadLocal<RowPercentiles> LAST =
            ThreadLocal.withInitial(RowPercentiles::new);

    private MetricsAccumulator of;
    private long calls;
    private long totalCount;
    private long maxMs;
    private long[] values;

    private RowPercentiles() {}

    /** Percentile {@code PERCENTILES[index]} of {@code metrics}, in ms. */
    static long of(MetricsAccumulator metrics, int index) {
        RowPercentiles last = LAST.get();
        if (!last.holds(metrics)) {
            last.of = metrics;
            last.calls = metrics.calls;
            last.maxMs = metrics.latencyMaxMs;
            last.totalCount = totalCount(metrics);
            last.values = metrics.percentilesMs(PERCENTILES);
        }
        return last.values[index];
    }

    private boolean holds(MetricsAccumulator metrics) {
        return of == metrics
                && calls == metrics.calls
                && maxMs == metrics.latencyMaxMs
                && totalCount == totalCount(metrics);
    }

    private static long totalCount(MetricsAccumulator metrics) {
        return metrics.latencyCount();
    }
}
