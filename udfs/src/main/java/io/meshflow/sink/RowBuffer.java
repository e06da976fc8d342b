package io.meshflow.sink;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rows of every table waiting for the database's next transaction, at most one per row of a
 * table: a row written again before the transaction replaces its earlier version (rows are whole,
 * SPEC 4), the minute rows of one service merge into its one {@code services} row (as its upsert
 * merges them: the strongest kind, the earliest first_seen, the latest last_seen), and a dead
 * letter keeps its first version. One statement may not change a table row twice (PostgreSQL
 * refuses a multi-row upsert that does), and each row is sent once however often it changed.
 *
 * <p>Rows are kept as given, not copied: the sink receives them over a shuffle, which deserializes
 * a new object for every record.
 */
public final class RowBuffer {
    private final Map<Table, Map<Object, MetricRecord>> rows = new EnumMap<>(Table.class);
    private final Map<String, DeadLetter> deadLetters = new LinkedHashMap<>();
    private int size;

    /** Adds a row, replacing (or, for {@code services}, merging with) the held row of its key. */
    public void add(MetricRecord row) {
        Map<Object, MetricRecord> table = rows.computeIfAbsent(row.key.table, t -> new HashMap<>());
        Object key = tableRowKey(row.key);
        if (row.key.table == Table.SERVICES) {
            MetricRecord held = table.get(key);
            if (held == null) {
                // a copy: later minutes merge into it
                table.put(key, new MetricRecord(row.key, row.metrics.copy()));
                size++;
            } else {
                held.metrics.merge(row.metrics);
            }
        } else if (table.put(key, row) == null) {
            size++;
        }
    }

    /** Adds a dead letter, unless one with its id is held (dead letters never change). */
    public void add(DeadLetter deadLetter) {
        if (deadLetters.putIfAbsent(deadLetter.id, deadLetter) == null) {
            size++;
        }
    }

    /** Rows and dead letters held. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Table rows held (without the dead letters): the rows the next flush writes. */
    public int tableRows() {
        return size - deadLetters.size();
    }

    /** The rows held for {@code table}, one per table row. */
    public Collection<MetricRecord> rows(Table table) {
        Map<Object, MetricRecord> held = rows.get(table);
        return held == null ? java.util.List.of() : held.values();
    }

    public Collection<DeadLetter> deadLetters() {
        return deadLetters.values();
    }

    public void clear() {
        rows.clear();
        deadLetters.clear();
        size = 0;
    }

    /**
     * What identifies the table row that {@code key}'s row is written to: the key itself, but for
     * {@code services}, whose one row per service takes every minute's row, the service's name. Its
     * hash code is the same in every JVM.
     */
    public static Object tableRowKey(MetricKey key) {
        return key.table == Table.SERVICES ? key.service() : key;
    }
}
