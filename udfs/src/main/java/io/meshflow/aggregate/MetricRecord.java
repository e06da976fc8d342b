package io.meshflow.aggregate;

/**
 * A row of an output table on its way to the database: its key and its (partial or final) counters.
 */
public final class MetricRecord {
    public MetricKey key;
    public MetricsAccumulator metrics;

    public MetricRecord() {}

    public MetricRecord(MetricKey key, MetricsAccumulator metrics) {
        this.key = key;
        this.metrics = metrics;
    }

    @Override
    public String toString() {
        return key + " calls=" + metrics.calls;
    }
}
