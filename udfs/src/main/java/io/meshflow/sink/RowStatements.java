package io.meshflow.sink;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * The prepared upsert of each output table and how a row binds to it, as flink-connector-jdbc's
 * sink takes them; both derive from the table's description in {@link OutputTables}.
 */
public final class RowStatements {
    private RowStatements() {}

    /** The upsert of {@code table}'s rows. */
    public static String upsertSql(Dialect dialect, Table table) {
        return OutputTables.of(table).upsertSql(dialect);
    }

    /** Binds a row of {@code table} to {@link #upsertSql}. */
    public static JdbcStatementBuilder<MetricRecord> binder(Dialect dialect, Table table) {
        // captures only the two enums: the builder is serialized into the job graph
        return (ps, row) -> OutputTables.of(table).bind(ps, dialect, row);
    }

    public static String deadLetterSql(Dialect dialect) {
        return OutputTables.DEAD_LETTERS.upsertSql(dialect);
    }

    public static JdbcStatementBuilder<DeadLetter> deadLetterBinder(Dialect dialect) {
        return (ps, d) -> OutputTables.DEAD_LETTERS.bind(ps, dialect, d);
    }
}
