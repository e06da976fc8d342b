package io.meshflow.job.sinks;

import io.meshflow.job.config.JdbcSettings;
import io.meshflow.job.config.JobSettings;
import io.meshflow.sink.Column;
import io.meshflow.sink.Dialect;
import io.meshflow.sink.OutputTable;
import io.meshflow.sink.OutputTables;
import io.meshflow.sink.SqlType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The results database as the main class sees it: checked and given its tables before the job
 * starts.
 */
public final class Database {
    private Database() {}

    public static Connection connect(JobSettings settings) throws SQLException {
        return connect(JdbcSettings.from(settings), new Properties());
    }

    /**
     * A connection for the job's {@link DatabaseSink} writer. SQLite: {@code synchronous=NORMAL},
     * which in WAL mode syncs at checkpoints of the WAL rather than at every commit (a commit may
     * be lost to a power failure, never to a crash of the job; the file is never corrupted).
     * PostgreSQL: {@code reWriteBatchedInserts}, so the driver sends a batch of upserts as
     * multi-row {@code INSERT ... VALUES (...), (...) ON CONFLICT} statements instead of one
     * statement a row.
     */
    public static Connection connectWriter(JdbcSettings jdbc) throws SQLException {
        Properties properties = new Properties();
        if (jdbc.dialect() == Dialect.SQLITE) {
            properties.setProperty("synchronous", "NORMAL");
        } else {
            properties.setProperty("reWriteBatchedInserts", "true");
        }
        return connect(jdbc, properties);
    }

    private static Connection connect(JdbcSettings jdbc, Properties properties)
            throws SQLException {
        if (jdbc.user() != null) {
            properties.setProperty("user", jdbc.user());
        }
        if (jdbc.password() != null) {
            properties.setProperty("password", jdbc.password());
        }
        if (jdbc.dialect() == Dialect.SQLITE) {
            // readers (the summary, graph, analysts) and the writer wait for each other's locks
            // instead of failing with SQLITE_BUSY
            properties.setProperty("busy_timeout", "60000");
        }
        try {
            Class.forName(jdbc.dialect().driverClass());
        } catch (ClassNotFoundException e) {
            throw new SQLException(
                    "JDBC driver " + jdbc.dialect().driverClass() + " is missing", e);
        }
        return DriverManager.getConnection(jdbc.url(), properties);
    }

    /**
     * Creates the tables and indexes that are missing, as described in {@link OutputTables} (the
     * statements of sql/schema-*.sql).
     */
    public static void createTables(JobSettings settings) throws SQLException {
        if (settings.dialect == Dialect.SQLITE) {
            checkSqliteFile(settings.jdbcUrl);
        }
        try (Connection connection = connect(settings);
                Statement statement = connection.createStatement()) {
            if (settings.dialect == Dialect.SQLITE) {
                // persistent in the file; switching needs the file to itself, so it is done here,
                // before the job's writer opens it
                statement.execute("PRAGMA journal_mode=WAL");
            }
            for (String ddl : OutputTables.createStatements(settings.dialect)) {
                statement.execute(ddl);
            }
            addNewerColumns(connection, statement, settings.dialect);
            checkColumns(connection, settings);
            if (settings.mergeRunId != null) {
                checkMergeable(statement);
            }
        }
    }

    /**
     * A merge adds to each row's merge_state: rows written before meshflow stored it cannot be
     * merged exactly, so a merge into a table holding any is refused before it starts.
     */
    private static void checkMergeable(Statement statement) throws SQLException {
        for (OutputTable<?> table : OutputTables.all()) {
            if (!table.hasMergeState()) {
                continue;
            }
            try (ResultSet rows =
                    statement.executeQuery(
                            "SELECT COUNT(*) FROM "
                                    + table.name()
                                    + " WHERE "
                                    + OutputTable.MERGE_STATE
                                    + " IS NULL")) {
                rows.next();
                long without = rows.getLong(1);
                if (without > 0) {
                    throw new SQLException(
                            "--write-mode merge: table "
                                    + table.name()
                                    + " holds "
                                    + without
                                    + " rows written by an earlier meshflow without merge_state,"
                                    + " which cannot be merged exactly; use --write-mode replace,"
                                    + " or a new database");
                }
            }
        }
    }

    /**
     * Forgets the merge bases of a finished merge run ({@code merge_bases} is bookkeeping for
     * finishing a failed run, see {@link io.meshflow.sink.MergeBase}).
     */
    public static void forgetMergeRun(JobSettings settings) throws SQLException {
        try (Connection connection = connect(settings);
                java.sql.PreparedStatement delete =
                        connection.prepareStatement(
                                "DELETE FROM "
                                        + OutputTables.MERGE_BASES.name()
                                        + " WHERE run_id = ?")) {
            delete.setString(1, settings.mergeRunId);
            delete.executeUpdate();
        }
    }

    /**
     * Counters added to a table after its first version, as {table, column}: a database of an
     * earlier version gets them, zero in its old rows, instead of failing the column check.
     */
    private static final List<String[]> NEWER_COUNTERS =
            List.of(
                    new String[] {"pipeline_stats", "endpoint_overflow_calls"},
                    new String[] {"pipeline_stats", "ignored_spans"});

    private static void addNewerColumns(Connection connection, Statement statement, Dialect dialect)
            throws SQLException {
        // merge_state came with --write-mode merge: NULL in the rows already there
        for (OutputTable<?> table : OutputTables.all()) {
            if (table.hasMergeState()
                    && !columnNames(connection, table.name()).contains(OutputTable.MERGE_STATE)) {
                statement.execute(
                        "ALTER TABLE "
                                + table.name()
                                + " ADD COLUMN "
                                + OutputTable.MERGE_STATE
                                + " "
                                + SqlType.BYTES.in(dialect));
            }
        }
        for (String[] added : NEWER_COUNTERS) {
            if (!columnNames(connection, added[0]).contains(added[1])) {
                statement.execute(
                        "ALTER TABLE "
                                + added[0]
                                + " ADD COLUMN "
                                + added[1]
                                + " BIGINT NOT NULL DEFAULT 0");
            }
        }
    }

    private static Set<String> columnNames(Connection connection, String table)
            throws SQLException {
        Set<String> present = new HashSet<>();
        try (ResultSet columns =
                connection.getMetaData().getColumns(null, connection.getSchema(), table, null)) {
            while (columns.next()) {
                present.add(columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return present;
    }

    /**
     * An SQLite database in memory, or without a file name (a temporary file), lives in one
     * connection: the job's writers would each get their own, and the results would be gone at the
     * end.
     */
    private static void checkSqliteFile(String url) throws SQLException {
        String path = url.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        String file = query < 0 ? path : path.substring(0, query);
        if (file.isEmpty()
                || file.contains(":memory:")
                || path.toLowerCase(Locale.ROOT).contains("mode=memory")) {
            throw new SQLException(
                    "an SQLite database must be a file that outlives the job, e.g."
                            + " jdbc:sqlite:meshflow.db");
        }
    }

    /**
     * Tables that existed before must have every column the job writes: a database of another
     * version or program fails here, with one line, instead of in the middle of the job.
     */
    private static void checkColumns(Connection connection, JobSettings settings)
            throws SQLException {
        for (OutputTable<?> table : OutputTables.all()) {
            Set<String> present = columnNames(connection, table.name());
            List<String> missing = new ArrayList<>();
            for (Column<?> column : table.columns()) {
                if (!present.contains(column.name())) {
                    missing.add(column.name());
                }
            }
            if (!missing.isEmpty()) {
                throw new SQLException(
                        "table "
                                + table.name()
                                + " exists without the column"
                                + (missing.size() > 1 ? "s " : " ")
                                + String.join(", ", missing)
                                + " (made by another program or version?): use another"
                                + " database, or drop the table");
            }
        }
    }
}
