package io.meshflow.job.sinks;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.decode.DeadLetter;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.sink.Dialect;
import io.meshflow.sink.RowBuffer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.types.Either;

import java.time.Duration;
import java.util.List;

/**
 * meshflow's database sink: the rows of every table and the dead letters, written by one writer per
 * sink subtask in one transaction per flush ({@link DatabaseSinkWriter}).
 *
 * <p>Why not flink-connector-jdbc's {@code JdbcSink}, which meshflow used before: it writes one
 * statement, so one table, per sink. Nine tables and the dead letters made ten sinks at job
 * parallelism: on SQLite, whose file has one write lock, twenty writers at parallelism 2 queued for
 * it with the busy handler's sleeps (4,100 rows/s on a wide mesh, and SQLITE_BUSY while they
 * opened); on PostgreSQL, twenty small transactions per flush. Here one transaction takes a flush
 * of every table, SQLite gets one writer for the whole job, and PostgreSQL one per subtask, each
 * owning its share of the rows.
 *
 * <p>Exactly once in effect, as before: rows are whole and written by upsert (dead letters: insert
 * once), every flush is one transaction, and the writer flushes before every checkpoint barrier and
 * at the end of input; after a restore from a checkpoint the rows since then are written again,
 * which is harmless. The writer keeps no state.
 */
public final class DatabaseSink implements Sink<Either<MetricRecord, DeadLetter>> {
    private static final long serialVersionUID = 1L;

    /**
     * A flush is due when this many table rows and dead letters are waiting. Replaying history,
     * where batches fill before the interval ends, a larger batch holds more versions of the same
     * hour and day rows, written once: on a wide mesh 20,000 rows a batch wrote 25 % more rows a
     * second than 5,000 (a batch costs some 50 MB of heap at most).
     */
    static final int BATCH_ROWS = 20_000;

    /** ... or this long after the first of them came: rows reach the database soon after. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);

    /**
     * A failed flush is tried again this many times, waiting a second longer each time (none, 1 s,
     * 2 s ... 9 s: 45 s in all) on a new connection: the writer back-pressures the job meanwhile.
     * Then, or at once when no new connection can be made, the job fails over, and Flink's restart
     * strategy restarts it from its last checkpoint.
     */
    static final int RETRIES = 10;

    public static final TypeInformation<Either<MetricRecord, DeadLetter>> TYPE =
            new EitherTypeInfo<>(
                    TypeInformation.of(MetricRecord.class), TypeInformation.of(DeadLetter.class));

    private final JdbcSettings jdbc;

    public DatabaseSink(JdbcSettings jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Writes {@code rows} (streams of any tables' rows) and {@code deadLetters} to the database.
     * Each table row (and dead letter) goes to one writer, always the same, so its versions are
     * written in order and no two transactions ever wait for each other's rows: the sink's input is
     * keyed by table row. SQLite gets one writer; PostgreSQL one per subtask of the job. Each
     * stream is marked for the writer on its own, before the union, so that the marking chains to
     * the operator that made the rows and a row is serialized once, at the writers' shuffle.
     */
    public static DataStreamSink<Either<MetricRecord, DeadLetter>> write(
            List<DataStream<MetricRecord>> rows,
            DataStream<DeadLetter> deadLetters,
            JdbcSettings jdbc) {
        DataStream<Either<MetricRecord, DeadLetter>> all =
                deadLetters
                        .map(d -> Either.<MetricRecord, DeadLetter>Right(d))
                        .returns(TYPE)
                        .name("Dead letters to write");
        for (DataStream<MetricRecord> stream : rows) {
            all =
                    all.union(
                            stream.map(row -> Either.<MetricRecord, DeadLetter>Left(row))
                                    .returns(TYPE)
                                    .name("Rows to write"));
        }
        return write(all, jdbc);
    }

    /** As {@link #write(List, DataStream, JdbcSettings)}, rows and dead letters in one. */
    public static DataStreamSink<Either<MetricRecord, DeadLetter>> write(
            DataStream<Either<MetricRecord, DeadLetter>> records, JdbcSettings jdbc) {
        DataStreamSink<Either<MetricRecord, DeadLetter>> sink =
                records.keyBy(new TableRowKey(), Types.INT)
                        .sinkTo(new DatabaseSink(jdbc))
                        .uid("sink-database")
                        .name("Upsert rows and dead letters");
        if (jdbc.dialect() == Dialect.SQLITE) {
            // one write lock per file: more writers only queue for it
            sink.setParallelism(1);
        }
        return sink;
    }

    @Override
    public SinkWriter<Either<MetricRecord, DeadLetter>> createWriter(WriterInitContext context) {
        return new DatabaseSinkWriter(
                jdbc,
                context.getProcessingTimeService(),
                context.metricGroup(),
                BATCH_ROWS,
                FLUSH_INTERVAL,
                RETRIES);
    }

    /** The table row (or dead letter) a record writes, as a hash that is the same in every JVM. */
    static final class TableRowKey
            implements KeySelector<Either<MetricRecord, DeadLetter>, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(Either<MetricRecord, DeadLetter> record) {
            return record.isLeft()
                    ? RowBuffer.tableRowKey(record.left().key).hashCode()
                    : record.right().id.hashCode();
        }
    }
}
