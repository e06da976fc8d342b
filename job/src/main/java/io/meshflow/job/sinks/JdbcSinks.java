package io.meshflow.job.sinks;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.sink.Dialect;
import io.meshflow.sink.RowStatements;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/** flink-connector-jdbc sinks for every output table: batched, prepared, idempotent upserts. */
public final class JdbcSinks {
    private JdbcSinks() {}

    public static JdbcSink<MetricRecord> rows(JdbcSettings settings, Table table) {
        return JdbcSink.<MetricRecord>builder()
                .withQueryStatement(
                        RowStatements.upsertSql(settings.dialect(), table),
                        RowStatements.binder(settings.dialect(), table))
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection(settings));
    }

    public static JdbcSink<DeadLetter> deadLetters(JdbcSettings settings) {
        return JdbcSink.<DeadLetter>builder()
                .withQueryStatement(
                        RowStatements.deadLetterSql(settings.dialect()),
                        RowStatements.deadLetterBinder(settings.dialect()))
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection(settings));
    }

    /**
     * Rows are flushed every 200 ms or 1000 rows, on every checkpoint and at the end of input. A
     * failed batch is retried ten times (the connector waits 1 s longer each time, 45 s in all, and
     * reconnects): that back-pressures the job through a database outage. Beyond that the job fails
     * over and restarts from its last checkpoint: rows are whole, so writing them again is
     * harmless.
     */
    static JdbcExecutionOptions execution() {
        return JdbcExecutionOptions.builder()
                .withBatchSize(1000)
                .withBatchIntervalMs(200)
                .withMaxRetries(10)
                .build();
    }

    public static JdbcConnectionOptions connection(JdbcSettings settings) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder builder =
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(settings.url())
                        .withDriverName(settings.dialect().driverClass());
        if (settings.user() != null) {
            builder.withUsername(settings.user());
        }
        if (settings.password() != null) {
            builder.withPassword(settings.password());
        }
        if (settings.dialect() == Dialect.SQLITE) {
            // Several sink subtasks share one file: wait for the lock instead of failing with
            // SQLITE_BUSY. The file is in WAL mode (readers read while the job writes): set once,
            // by Database.createTables, not by every writer as it opens.
            builder.withProperty("busy_timeout", "60000");
        }
        return builder.build();
    }
}
