package io.meshflow.sink;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link RowBuffer} into the database in one transaction: every table's rows through that
 * table's prepared upsert ({@link OutputTable#upsertSql}), batched, then the dead letters, then one
 * commit. The statements are prepared once per connection. A failure rolls the transaction back, so
 * the buffer is written whole or not at all and may be written again.
 *
 * <p>With a merge run id ({@code --write-mode merge}), a row of a table with {@code merge_state} is
 * written as the row's base plus the run's row: the base is what the table held for the key before
 * the run first wrote it, looked up in {@code merge_bases}, else read from the table and recorded
 * there in the same transaction. Writing a row again (a replay, the run finishing a failed attempt)
 * therefore gives the same values.
 */
public final class RowBufferWriter implements AutoCloseable {
    private final Connection connection;
    private final Dialect dialect;
    private final Map<Table, PreparedStatement> upserts = new EnumMap<>(Table.class);
    private PreparedStatement deadLetters;

    /** Null: replace (rows are written as they come). */
    private final String mergeRun;

    private final Map<Table, PreparedStatement> storedStates = new EnumMap<>(Table.class);
    private PreparedStatement findBase;
    private PreparedStatement recordBase;

    /** A writer that replaces rows (SPEC 4's upsert). */
    public RowBufferWriter(Connection connection, Dialect dialect) throws SQLException {
        this(connection, dialect, null);
    }

    /**
     * @param mergeRun the run id of {@code --write-mode merge}, or null to replace rows
     */
    public RowBufferWriter(Connection connection, Dialect dialect, String mergeRun)
            throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        this.mergeRun = mergeRun;
        connection.setAutoCommit(false);
    }

    /** A merge found a row written before meshflow stored merge_state: it cannot be merged. */
    public static final class MergeRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MergeRefusedException(String message) {
            super(message);
        }
    }

    /** Writes every row and dead letter of {@code buffer} and commits. */
    public void write(RowBuffer buffer) throws SQLException {
        try {
            for (Table table : Table.values()) {
                Collection<MetricRecord> rows = buffer.rows(table);
                if (rows.isEmpty()) {
                    continue;
                }
                OutputTable<MetricRecord> description = OutputTables.of(table);
                if (mergeRun != null && description.hasMergeState()) {
                    rows = withBases(table, description, rows);
                }
                PreparedStatement upsert = upsert(table, description);
                for (MetricRecord row : rows) {
                    description.bind(upsert, dialect, row);
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            if (!buffer.deadLetters().isEmpty()) {
                if (deadLetters == null) {
                    deadLetters =
                            connection.prepareStatement(
                                    OutputTables.DEAD_LETTERS.upsertSql(dialect));
                }
                for (DeadLetter deadLetter : buffer.deadLetters()) {
                    OutputTables.DEAD_LETTERS.bind(deadLetters, dialect, deadLetter);
                    deadLetters.addBatch();
                }
                deadLetters.executeBatch();
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * Each row as the run writes it: its base (see the class comment) plus the run's row. New bases
     * are recorded as a batch, before the rows are written.
     */
    private List<MetricRecord> withBases(
            Table table, OutputTable<MetricRecord> description, Collection<MetricRecord> rows)
            throws SQLException {
        if (findBase == null) {
            findBase = connection.prepareStatement(OutputTables.MERGE_BASES.selectByKeySql("base"));
            recordBase = connection.prepareStatement(OutputTables.MERGE_BASES.upsertSql(dialect));
        }
        List<MetricRecord> merged = new ArrayList<>(rows.size());
        boolean recorded = false;
        for (MetricRecord row : rows) {
            String rowKey = MergeBase.rowKey(row.key);
            byte[] base;
            OutputTables.MERGE_BASES.bindKey(
                    findBase, dialect, new MergeBase(mergeRun, table.sqlName(), rowKey, null));
            try (ResultSet found = findBase.executeQuery()) {
                if (found.next()) {
                    base = found.getBytes(1);
                } else {
                    base = storedState(table, description, row);
                    OutputTables.MERGE_BASES.bind(
                            recordBase,
                            dialect,
                            new MergeBase(mergeRun, table.sqlName(), rowKey, base));
                    recordBase.addBatch();
                    recorded = true;
                }
            }
            if (base == null) {
                merged.add(row);
            } else {
                MetricsAccumulator sum = MergeState.decode(base);
                sum.merge(row.metrics);
                merged.add(new MetricRecord(row.key, sum));
            }
        }
        if (recorded) {
            recordBase.executeBatch();
        }
        return merged;
    }

    /** The merge_state the table holds for {@code row}'s key; null when it holds no such row. */
    private byte[] storedState(Table table, OutputTable<MetricRecord> description, MetricRecord row)
            throws SQLException {
        PreparedStatement select = storedStates.get(table);
        if (select == null) {
            select =
                    connection.prepareStatement(
                            description.selectByKeySql(OutputTable.MERGE_STATE));
            storedStates.put(table, select);
        }
        description.bindKey(select, dialect, row);
        try (ResultSet stored = select.executeQuery()) {
            if (!stored.next()) {
                return null;
            }
            byte[] state = stored.getBytes(1);
            if (state == null) {
                throw new MergeRefusedException(
                        "cannot merge into "
                                + table.sqlName()
                                + ": its row "
                                + row.key
                                + " was written without merge_state (by an earlier meshflow);"
                                + " use --write-mode replace, or a new database");
            }
            return state;
        }
    }

    private PreparedStatement upsert(Table table, OutputTable<MetricRecord> description)
            throws SQLException {
        PreparedStatement upsert = upserts.get(table);
        if (upsert == null) {
            upsert = connection.prepareStatement(description.upsertSql(dialect));
            upserts.put(table, upsert);
        }
        return upsert;
    }

    /** Closes the statements and the connection. */
    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
