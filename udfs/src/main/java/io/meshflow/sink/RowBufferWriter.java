package io.meshflow.sink;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes a {@link RowBuffer} into the database in one transaction: every table's rows through that
 * table's prepared upsert ({@link OutputTable#upsertSql}), batched, then the dead letters, then one
 * commit. The statements are prepared once per connection. A failure rolls the transaction back, so
 * the buffer is written whole or not at all and may be written again.
 */
public final class RowBufferWriter implements AutoCloseable {
    private final Connection connection;
    private final Dialect dialect;
    private final Map<Table, PreparedStatement> upserts = new EnumMap<>(Table.class);
    private PreparedStatement deadLetters;

    public RowBufferWriter(Connection connection, Dialect dialect) throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        connection.setAutoCommit(false);
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
