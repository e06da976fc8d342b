package io.meshflow.functions;

import io.meshflow.metrics.CallRouter;
import io.meshflow.metrics.MetricKey;
import io.meshflow.metrics.MetricRecord;
import io.meshflow.metrics.MetricsAccumulator;
import io.meshflow.records.CallEvent;
import io.meshflow.records.Granularity;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * Combines the rows each call counts in locally, before the shuffle to {@link MergeRows}, and hands the
 * partial rows on whenever the watermark advances, before every checkpoint barrier and at the end of input.
 *
 * <p>This keeps the shuffle small (one partial per row and watermark instead of one record per call and
 * table) and spreads hot keys such as an ingress gateway over every subtask. It holds no state across
 * checkpoints: everything it combined is emitted before the barrier.
 */
public final class PreAggregate extends AbstractStreamOperator<MetricRecord>
        implements OneInputStreamOperator<CallEvent, MetricRecord> {
    private static final long serialVersionUID = 1L;

    private final CallRouter router;
    private transient Map<MetricKey, MetricsAccumulator> rows;
    private transient CallRouter.Rows rowLookup;
    private transient StreamRecord<MetricRecord> reuse;

    public PreAggregate(CallRouter router) {
        this.router = router;
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = new HashMap<>();
        reuse = new StreamRecord<>(null);
        rowLookup = (table, minuteStart, n1, n2, n3, n4) -> rows.computeIfAbsent(
                new MetricKey(table, Granularity.MINUTE, minuteStart, n1, n2, n3, n4),
                k -> new MetricsAccumulator());
    }

    @Override
    public void processElement(StreamRecord<CallEvent> element) {
        router.route(element.getValue(), rowLookup);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Emits each minute row, and the same counters for its hour and day rows. */
    private void flush() {
        if (rows.isEmpty()) {
            return;
        }
        for (Map.Entry<MetricKey, MetricsAccumulator> row : rows.entrySet()) {
            MetricKey minute = row.getKey();
            emit(minute, row.getValue());
            if (minute.table.rolledUp()) {
                emit(minute.rolledUpTo(Granularity.HOUR), row.getValue());
                emit(minute.rolledUpTo(Granularity.DAY), row.getValue());
            }
        }
        rows.clear();
    }

    private void emit(MetricKey key, MetricsAccumulator metrics) {
        // Downstream is a shuffle: each record is serialized on emission, so sharing `metrics` is safe.
        output.collect(reuse.replace(new MetricRecord(key, metrics)));
    }
}
