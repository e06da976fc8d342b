package io.meshflow.job.testing;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Dataflow} run wrote: every write of a row, per table in the order the table
 * received them, and the dead letters.
 */
public record Collected(Map<Table, List<MetricRecord>> rows, List<DeadLetter> deadLetters) {

    /**
     * Every write to {@code table}; a row written again (a late update) appears again. How often a
     * row is written can depend on timing (which of the two subtasks' watermarks reaches MergeRows
     * first); what the table ends up holding, {@link #table}, does not.
     */
    public List<MetricRecord> writes(Table table) {
        return rows.get(table);
    }

    /** What upserting the writes leaves in {@code table}: the last write of each row. */
    public Map<MetricKey, MetricRecord> table(Table table) {
        Map<MetricKey, MetricRecord> last = new LinkedHashMap<>();
        for (MetricRecord row : rows.get(table)) {
            last.put(row.key, row);
        }
        return last;
    }

    /** The row of {@code table} with this key as the table would end up holding it. */
    public MetricRecord row(Table table, MetricKey key) {
        MetricRecord row = table(table).get(key);
        if (row == null) {
            throw new AssertionError("no row " + key + " in " + table(table).keySet());
        }
        return row;
    }

    /** A row as text, every column of it: for comparing rows and for readable failures. */
    public static String describe(MetricRecord row) {
        MetricsAccumulator m = row.metrics;
        return row.key
                + " calls="
                + m.calls
                + " errors="
                + m.errors
                + " latency="
                + m.latencySumMs
                + "/"
                + m.latencyMaxMs
                + " p="
                + m.percentileMs(50)
                + ","
                + m.percentileMs(75)
                + ","
                + m.percentileMs(90)
                + ","
                + m.percentileMs(95)
                + ","
                + m.percentileMs(99)
                + " apdex="
                + m.apdexSatisfied
                + "/"
                + m.apdexTolerating
                + " status="
                + List.of(m.status2xx, m.status3xx, m.status4xx, m.status5xx, m.statusOther)
                + " edge="
                + List.of(
                        m.pairedCalls,
                        m.clientOnlyCalls,
                        m.serverOnlyCalls,
                        m.serverRetries,
                        m.mtlsCalls,
                        m.clientLatencySumMs,
                        m.serverLatencySumMs)
                + " sides="
                + List.of(m.sides, m.duplicateSides, m.lateSides, m.ignoredSpans)
                + " seen="
                + m.firstSeen
                + ".."
                + m.lastSeen
                + " kinds="
                + m.kinds;
    }
}
