package io.meshflow.job.sinks;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.decode.DeadLetter;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.sink.RowBuffer;
import io.meshflow.sink.RowBufferWriter;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.types.Either;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;

/**
 * One sink subtask's writer: holds rows of every table and dead letters in a {@link RowBuffer} and
 * writes them in one transaction ({@link RowBufferWriter}) when {@code batchRows} are waiting,
 * {@code flushInterval} after the first of them came, before every checkpoint barrier and at the
 * end of input. A failed transaction is rolled back and tried again on a new connection, waiting a
 * second longer each time; the task (and so the job upstream) waits meanwhile. A database that
 * cannot be connected to fails the job over at once, as flink-connector-jdbc's sink did: Flink's
 * restart strategy then waits for it.
 *
 * <p>Everything runs in the task's thread (the flush timer too), so nothing here is shared.
 */
final class DatabaseSinkWriter implements SinkWriter<Either<MetricRecord, DeadLetter>> {
    private static final Logger LOG = LogManager.getLogger(DatabaseSinkWriter.class);

    private final JdbcSettings jdbc;
    private final ProcessingTimeService time;
    private final int batchRows;
    private final long flushIntervalMs;
    private final int retries;
    private final RowBuffer buffer = new RowBuffer();

    /** Table rows received (before merging in the buffer): the progress line's rows written. */
    private final Counter rows;

    /**
     * Table rows written to the database: fewer than {@link #rows} when a row changed more than
     * once within a flush (hour and day rows do every minute), since each is written once.
     */
    private final Counter rowsWritten;

    /** The open connection's writer; null before the first flush and after a failed one. */
    private RowBufferWriter writer;

    private boolean flushScheduled;
    private boolean closed;

    DatabaseSinkWriter(
            JdbcSettings jdbc,
            ProcessingTimeService time,
            MetricGroup metrics,
            int batchRows,
            Duration flushInterval,
            int retries) {
        this.jdbc = jdbc;
        this.time = time;
        this.batchRows = batchRows;
        this.flushIntervalMs = flushInterval.toMillis();
        this.retries = retries;
        this.rows = metrics.counter("rows");
        this.rowsWritten = metrics.counter("rowsWritten");
    }

    @Override
    public void write(Either<MetricRecord, DeadLetter> record, Context context)
            throws IOException, InterruptedException {
        if (record.isLeft()) {
            buffer.add(record.left());
            rows.inc();
        } else {
            buffer.add(record.right());
        }
        if (buffer.size() >= batchRows) {
            writeBuffer();
        } else if (!flushScheduled) {
            flushScheduled = true;
            time.registerTimer(
                    time.getCurrentProcessingTime() + flushIntervalMs,
                    now -> {
                        flushScheduled = false;
                        if (!closed) {
                            writeBuffer();
                        }
                    });
        }
    }

    /** Before every checkpoint barrier and at the end of input: everything received is written. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writeBuffer();
    }

    private void writeBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            if (writer == null) {
                try {
                    writer =
                            new RowBufferWriter(
                                    Database.connectWriter(jdbc),
                                    jdbc.dialect(),
                                    jdbc.mergeRunId());
                } catch (SQLException e) {
                    // The database is down: fail over at once. Flink's restart strategy waits,
                    // longer each time, and restarts from the last checkpoint, which has every
                    // row this buffer held still to come.
                    throw new IOException("cannot reach the database: " + e.getMessage(), e);
                }
            }
            try {
                writer.write(buffer);
                rowsWritten.inc(buffer.tableRows());
                buffer.clear();
                return;
            } catch (SQLException e) {
                closeWriter();
                if (attempt >= retries) {
                    throw new IOException(
                            "cannot write to the database, "
                                    + (retries + 1)
                                    + " attempts failed: "
                                    + e.getMessage(),
                            e);
                }
                LOG.warn(
                        "cannot write {} rows to the database, trying again in {} s on a new"
                                + " connection ({} of {} retries): {}",
                        buffer.size(),
                        attempt,
                        attempt + 1,
                        retries,
                        e.getMessage());
                Thread.sleep(attempt * 1000L);
            }
        }
    }

    private void closeWriter() {
        if (writer != null) {
            try {
                writer.close();
            } catch (SQLException e) {
                LOG.debug("closing a failed connection", e);
            }
            writer = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeWriter();
    }
}
