package io.meshflow.sink;

import io.meshflow.aggregate.MetricsAccumulator;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The five percentile columns of a row (p50, p75, p90, p95, p99), as {@link
 * MetricsAccumulator#percentileMs} defines them, found in one pass over the histogram instead of
 * five: the columns are bound one after another, and walking the histogram was a third of the
 * writer's time. The last row's values are kept per thread and recomputed when another row (or a
 * changed one) asks.
 */
final class RowPercentiles {
    static final double[] PERCENTILES = {50, 75, 90, 95, 99};

    private static final ThreadLocal<RowPercentiles> LAST =
            ThreadLocal.withInitial(RowPercentiles::new);

    private MetricsAccumulator of;
    private long calls;
    private long totalCount;
    private long maxMs;
    private final long[] values = new long[PERCENTILES.length];

    private RowPercentiles() {}

    /** Percentile {@code PERCENTILES[index]} of {@code metrics}, in ms. */
    static long of(MetricsAccumulator metrics, int index) {
        RowPercentiles last = LAST.get();
        if (!last.holds(metrics)) {
            last.compute(metrics);
        }
        return last.values[index];
    }

    private boolean holds(MetricsAccumulator metrics) {
        return of == metrics
                && calls == metrics.calls
                && maxMs == metrics.latencyMaxMs
                && totalCount
                        == (metrics.latencies == null ? -1 : metrics.latencies.getTotalCount());
    }

    private void compute(MetricsAccumulator metrics) {
        of = metrics;
        calls = metrics.calls;
        maxMs = metrics.latencyMaxMs;
        Histogram latencies = metrics.latencies;
        totalCount = latencies == null ? -1 : latencies.getTotalCount();
        if (latencies == null || metrics.calls == 0) {
            java.util.Arrays.fill(values, 0);
            return;
        }
        long[] ranks = new long[PERCENTILES.length];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = Math.max(1, (long) Math.ceil(PERCENTILES[i] / 100.0 * totalCount));
        }
        int next = 0;
        long cumulative = 0;
        for (HistogramIterationValue v : latencies.recordedValues()) {
            cumulative += v.getCountAtValueIteratedTo();
            while (next < ranks.length && cumulative >= ranks[next]) {
                long value = latencies.medianEquivalentValue(v.getValueIteratedTo());
                values[next++] = Math.min(value, maxMs);
            }
            if (next == ranks.length) {
                return;
            }
        }
        while (next < ranks.length) {
            values[next++] = maxMs;
        }
    }
}
