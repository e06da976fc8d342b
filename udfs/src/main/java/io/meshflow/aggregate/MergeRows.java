package io.meshflow.aggregate;

import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * Merges the partial rows of one output row (its key names table, granularity and bucket) and
 * writes the row when its bucket is complete: once the watermark passes the bucket's end plus
 * pair.timeout. Partial rows that come later, within allowed lateness, update it and write it
 * again; then the row is forgotten.
 *
 * <p>Hour and day rows are also written while their bucket is open (SPEC 5): whenever one of their
 * minutes is, holding exactly the minutes written so far. Their partials come stamped with their
 * minute (see {@link PreAggregate}); a partial of a minute not yet due (PreAggregate hands every
 * partial on before a checkpoint barrier) waits in {@code pending}, by minute, until the minute's
 * write time, when one timer merges it and writes the row: once per minute, after every subtask's
 * partial of the minute. A partial of a minute already written (late) merges at once and is in the
 * row written at the next minute's write time.
 *
 * <p>Every timer follows from the key, the watermark and the minutes pending; the state is the
 * merged row and the few minutes not yet due. Rows are written whole, so the database upsert is
 * idempotent. pipeline_stats rows are kept for a month, since late sides count in them (see {@link
 * #forgetTime}).
 *
 * <p>A written row is the state's own accumulator, not a copy: the job runs with object reuse, and
 * every path from here serializes the row before the next element or timer (the operators chained
 * after it only route it, and the database writer is behind a shuffle). A copy per written row cost
 * a fifth of the job's CPU on a wide mesh, where rows have a call or two each.
 */
public class MergeRows extends KeyedProcessFunction<MetricKey, MetricRecord, MetricRecord> {
    private static final long serialVersionUID = 1L;

    /**
     * How long pipeline_stats rows take late-side updates after their bucket's calls are settled.
     */
    static final long PIPELINE_STATS_RETENTION_MS = Duration.ofDays(31).toMillis();

    private final Timing timing;
    private transient ValueState<MetricsAccumulator> row;

    /** Hour and day rows: partials of minutes not yet due, by minute start. */
    private transient MapState<Long, MetricsAccumulator> pending;

    private transient Counter tooLate;

    public MergeRows(Timing timing) {
        this.timing = timing;
    }

    @Override
    public void open(OpenContext openContext) {
        // No TTL: the forget timer clears every row, and a processing-time TTL would drop rows of a
        // job resumed from a savepoint long after it was stopped.
        row =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("row", MetricsAccumulator.class));
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "row-pending-minutes",
                                        Types.LONG,
                                        TypeInformation.of(MetricsAccumulator.class)));
        tooLate = getRuntimeContext().getMetricGroup().counter("rowUpdatesAfterForget");
    }

    @Override
    public void processElement(MetricRecord partial, Context ctx, Collector<MetricRecord> out)
            throws Exception {
        MetricKey key = ctx.getCurrentKey();
        MetricsAccumulator merged = row.value();
        if (merged == null && ctx.timerService().currentWatermark() >= forgetTime(key)) {
            // The row was written and forgotten: writing these counters alone would replace it with
            // a part of
            // itself. Sides reach this only when an idle Kafka partition resumes behind the others;
            // they were
            // not late where they were read. Counted, not written.
            tooLate.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (merged == null) {
            ctx.timerService().registerEventTimeTimer(writeTime(key));
            ctx.timerService().registerEventTimeTimer(forgetTime(key));
        }
        if (key.granularity != Granularity.MINUTE
                && watermark < writeTime(key)
                && ctx.timestamp() != null) {
            long minuteDue = timing.writeTime(Granularity.MINUTE, ctx.timestamp());
            if (watermark < minuteDue) {
                // Its minute is not written yet: neither is it in the open row.
                MetricsAccumulator waiting = pending.get(ctx.timestamp());
                if (waiting == null) {
                    waiting = partial.metrics;
                } else {
                    waiting.merge(partial.metrics);
                }
                pending.put(ctx.timestamp(), waiting);
                ctx.timerService().registerEventTimeTimer(Math.min(minuteDue, writeTime(key)));
                return;
            }
        }
        if (merged == null) {
            merged = partial.metrics;
        } else {
            merged.merge(partial.metrics);
        }
        row.update(merged);
        if (watermark >= writeTime(key)) {
            // A late update of a row already written: write it again.
            out.collect(new MetricRecord(key, merged));
        } else if (key.granularity != Granularity.MINUTE) {
            ctx.timerService().registerEventTimeTimer(progressiveWriteTime(key, watermark));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricRecord> out)
            throws Exception {
        MetricKey key = ctx.getCurrentKey();
        MetricsAccumulator merged = row.value();
        if (key.granularity != Granularity.MINUTE && timestamp <= writeTime(key)) {
            merged = mergeDueMinutes(merged, timestamp);
        }
        if (merged == null) {
            return;
        }
        if (timestamp <= writeTime(key)) {
            // At write time, or (hour and day rows) at the write time of one of their minutes.
            out.collect(new MetricRecord(key, merged));
        }
        if (timestamp == forgetTime(key)) {
            row.clear();
            pending.clear();
        }
    }

    /** Merges the pending minutes due by {@code time} into the row; returns the row. */
    private MetricsAccumulator mergeDueMinutes(MetricsAccumulator merged, long time)
            throws Exception {
        Iterator<Map.Entry<Long, MetricsAccumulator>> minutes = pending.iterator();
        boolean changed = false;
        while (minutes.hasNext()) {
            Map.Entry<Long, MetricsAccumulator> minute = minutes.next();
            if (timing.writeTime(Granularity.MINUTE, minute.getKey()) <= time) {
                if (merged == null) {
                    merged = minute.getValue();
                } else {
                    merged.merge(minute.getValue());
                }
                minutes.remove();
                changed = true;
            }
        }
        if (changed) {
            row.update(merged);
            if (pending.isEmpty()) {
                // leaves no empty map behind: an open row's state is the row alone
                pending.clear();
            }
        }
        return merged;
    }

    /**
     * When an open hour or day row is next written: with the minute rows due next, or, with no
     * watermark yet (just restored), with its first minute's; never after the row's own write time.
     */
    private long progressiveWriteTime(MetricKey key, long watermark) {
        long firstMinute = timing.writeTime(Granularity.MINUTE, key.bucketStart);
        long next =
                watermark == Long.MIN_VALUE
                        ? firstMinute
                        : Math.max(firstMinute, timing.nextMinuteWriteTime(watermark));
        return Math.min(next, writeTime(key));
    }

    private long writeTime(MetricKey key) {
        return timing.writeTime(key.granularity, key.bucketStart);
    }

    private long forgetTime(MetricKey key) {
        long forget = timing.forgetTime(key.granularity, key.bucketStart);
        // pipeline_stats counts late sides in their own bucket, long after the bucket's calls are
        // settled: its
        // rows (one per bucket) are kept long enough that a late side updates the whole row, not a
        // fresh one.
        return key.table == Table.PIPELINE_STATS ? forget + PIPELINE_STATS_RETENTION_MS : forget;
    }
}
