package io.meshflow.job.sinks;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.Postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made before pipeline_stats.ignored_spans existed is brought up to date at start, in
 * both dialects, its rows kept with no ignored spans; a second start changes nothing.
 */
class PipelineStatsMigrationITCase {
    @TempDir Path dir;

    @Test
    void sqliteGetsTheColumn() throws Exception {
        addsTheColumn("jdbc:sqlite:" + dir.resolve("old.db"));
    }

    @Test
    void postgresGetsTheColumn() throws Exception {
        addsTheColumn(Postgres.newDatabase());
    }

    private static void addsTheColumn(String url) throws Exception {
        JobSettings settings = JobSettings.from(new String[] {"--jdbc.url", url}, Map.of());
        Database.createTables(settings);
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            // the table as the version before made it, with a row
            s.execute("ALTER TABLE pipeline_stats DROP COLUMN ignored_spans");
            s.execute(
                    "INSERT INTO pipeline_stats (granularity, bucket_start, sides,"
                            + " duplicate_sides, late_sides, paired_calls, client_only_calls,"
                            + " server_only_calls) VALUES ('minute', '2026-01-01 10:00:00', 5, 0,"
                            + " 0, 2, 1, 0)");
        }

        Database.createTables(settings);
        Database.createTables(settings);

        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT sides, ignored_spans FROM pipeline_stats")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong("sides")).isEqualTo(5);
            assertThat(r.getLong("ignored_spans")).isZero();
            assertThat(r.next()).isFalse();
        }
    }
}
