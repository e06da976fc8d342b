package io.meshflow.job.sinks;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.Postgres;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written by a version without pipeline_stats.endpoint_overflow_calls and ignored_spans
 * gets the columns when the job starts, its old rows counting zero, instead of failing the column
 * check; a second start changes nothing.
 */
class DatabaseUpgradeITCase {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void newerCountersAreAddedToAnEarlierDatabase(String database) throws Exception {
        String url =
                database.equals("sqlite")
                        ? "jdbc:sqlite:" + dir.resolve("earlier.db")
                        : Postgres.newDatabase();
        JobSettings settings =
                JobSettings.from(
                        new String[] {"--jdbc.url", url, "--jdbc.user", "postgres"}, Map.of());
        Database.createTables(settings);
        try (Connection c = Database.connect(settings);
                Statement s = c.createStatement()) {
            // the table as the earlier version made it, with a row of it
            s.execute("ALTER TABLE pipeline_stats DROP COLUMN endpoint_overflow_calls");
            s.execute("ALTER TABLE pipeline_stats DROP COLUMN ignored_spans");
            try (PreparedStatement insert =
                    c.prepareStatement(
                            "INSERT INTO pipeline_stats (granularity, bucket_start, sides,"
                                    + " duplicate_sides, late_sides, paired_calls,"
                                    + " client_only_calls, server_only_calls)"
                                    + " VALUES ('day', ?, 2, 0, 0, 1, 0, 0)")) {
                if (database.equals("sqlite")) {
                    insert.setString(1, "2026-01-01 00:00:00");
                } else {
                    insert.setTimestamp(1, Timestamp.valueOf("2026-01-01 00:00:00"));
                }
                insert.executeUpdate();
            }
        }

        Database.createTables(settings);
        Database.createTables(settings);

        try (Connection c = Database.connect(settings);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT sides, endpoint_overflow_calls, ignored_spans"
                                        + " FROM pipeline_stats")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong("sides")).isEqualTo(2);
            assertThat(rs.getLong("endpoint_overflow_calls")).isZero();
            assertThat(rs.getLong("ignored_spans")).isZero();
            assertThat(rs.next()).isFalse();
        }
    }
}
