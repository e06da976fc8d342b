package io.meshflow.aggregate;

import io.meshflow.pair.CallEvent;
import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Combines the rows each call counts in locally, before the shuffle to {@link MergeRows}, and hands
 * a minute row on (with the same counters for its hour and day rows) when it is due: when the
 * watermark reaches the minute's write time, just before MergeRows writes it. Rows of minutes
 * already written (late updates) go at the next watermark; everything goes before each checkpoint
 * barrier and at the end of input.
 *
 * <p>This keeps the shuffle small (about three partials per row and minute, instead of one record
 * per call and table) and spreads hot keys such as an ingress gateway over every subtask. It holds
 * no state across checkpoints: everything it combined is emitted before the barrier.
 */
public final class PreAggregate extends AbstractStreamOperator<MetricRecord>
        implements OneInputStreamOperator<CallEvent, MetricRecord> {
    private static final long serialVersionUID = 1L;

    private final CallRouter router;
    private final Timing timing;
    private transient Map<MetricKey, MetricsAccumulator> rows;
    private transient CallRouter.Rows rowLookup;
    private transient StreamRecord<MetricRecord> reuse;

    /** The earliest write time of the rows held: no watermark before it has anything to flush. */
    private transient long nextDue;

    public PreAggregate(CallRouter router, Timing timing) {
        this.router = router;
        this.timing = timing;
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = new HashMap<>();
        reuse = new StreamRecord<>(null);
        nextDue = Long.MAX_VALUE;
        MetricKey probe = new MetricKey();
        probe.granularity = Granularity.MINUTE;
        rowLookup =
                (table, minuteStart, n1, n2, n3, n4) -> {
                    // Looked up with one reused key: a call counts in about ten rows, most of them
                    // already there.
                    probe.table = table;
                    probe.bucketStart = minuteStart;
                    probe.name1 = n1;
                    probe.name2 = n2;
                    probe.name3 = n3;
                    probe.name4 = n4;
                    MetricsAccumulator row = rows.get(probe);
                    if (row == null) {
                        row = new MetricsAccumulator();
                        rows.put(
                                new MetricKey(
                                        table, Granularity.MINUTE, minuteStart, n1, n2, n3, n4),
                                row);
                        nextDue =
                                Math.min(
                                        nextDue, timing.writeTime(Granularity.MINUTE, minuteStart));
                    }
                    return row;
                };
    }

    @Override
    public void processElement(StreamRecord<CallEvent> element) {
        router.route(element.getValue(), rowLookup);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() >= nextDue) {
            flush(mark.getTimestamp());
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush(Long.MAX_VALUE);
        super.finish();
    }

    /**
     * Emits each minute row due by {@code watermark}, and the same counters for its hour and day
     * rows.
     */
    private void flush(long watermark) {
        nextDue = Long.MAX_VALUE;
        Iterator<Map.Entry<MetricKey, MetricsAccumulator>> it = rows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<MetricKey, MetricsAccumulator> row = it.next();
            MetricKey minute = row.getKey();
            long due = timing.writeTime(Granularity.MINUTE, minute.bucketStart);
            if (due > watermark) {
                nextDue = Math.min(nextDue, due);
                continue;
            }
            emit(minute, row.getValue(), minute.bucketStart);
            if (minute.table.rolledUp()) {
                emit(minute.rolledUpTo(Granularity.HOUR), row.getValue(), minute.bucketStart);
                emit(minute.rolledUpTo(Granularity.DAY), row.getValue(), minute.bucketStart);
            }
            it.remove();
        }
    }

    /**
     * Emits a partial row stamped with the start of its minute: MergeRows merges an hour or day
     * partial into the row written only once its minute is due (see {@link MergeRows}).
     */
    private void emit(MetricKey key, MetricsAccumulator metrics, long minuteStart) {
        // Downstream is a shuffle: each record is serialized on emission, so sharing `metrics` is
        // safe.
        output.collect(reuse.replace(new MetricRecord(key, metrics), minuteStart));
    }
}
