package io.meshflow.job.sinks;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.Table;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.Postgres;
import io.meshflow.sink.Dialect;
import io.meshflow.sink.OutputTable;
import io.meshflow.sink.OutputTables;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database writer's connections are set up for speed: on PostgreSQL the driver really sends a
 * batch of meshflow's upserts ({@code INSERT ... ON CONFLICT ... DO UPDATE}) as multi-row
 * statements; on SQLite the file is in WAL mode and the writer commits with {@code
 * synchronous=NORMAL}.
 */
class WriterConnectionsITCase {

    @TempDir Path dir;

    @Test
    void postgresRewritesABatchOfUpsertsIntoMultiRowStatements() throws Exception {
        JdbcSettings jdbc = created(Postgres.newDatabase());
        OutputTable<MetricRecord> table = OutputTables.of(Table.SERVICE_EDGES);
        try (Connection c = Database.connectWriter(jdbc);
                PreparedStatement upsert = c.prepareStatement(table.upsertSql(Dialect.POSTGRES))) {
            for (int i = 0; i < 300; i++) {
                MetricsAccumulator m = new MetricsAccumulator();
                m.addCall(i, true, 200, 500);
                table.bind(
                        upsert,
                        Dialect.POSTGRES,
                        new MetricRecord(
                                MetricKey.ofServiceEdges(Granularity.MINUTE, 0, "a" + i, "b"), m));
                upsert.addBatch();
            }
            // a rewritten batch reports no per-row counts: one statement carried many rows
            assertThat(upsert.executeBatch()).containsOnly(Statement.SUCCESS_NO_INFO);
            try (Statement s = c.createStatement();
                    ResultSet count = s.executeQuery("SELECT COUNT(*) FROM service_edges")) {
                count.next();
                assertThat(count.getLong(1)).isEqualTo(300);
            }
        }
    }

    @Test
    void sqliteWritesInWalModeWithNormalSync() throws Exception {
        JdbcSettings jdbc = created("jdbc:sqlite:" + dir.resolve("fresh.db"));
        try (Connection c = Database.connectWriter(jdbc);
                Statement s = c.createStatement()) {
            assertThat(one(s, "PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(one(s, "PRAGMA synchronous")).isEqualTo("1"); // NORMAL
        }
    }

    private static JdbcSettings created(String url) throws Exception {
        JobSettings settings = JobSettings.from(new String[] {"--jdbc.url", url}, Map.of());
        Database.createTables(settings);
        return JdbcSettings.from(settings);
    }

    private static String one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
