package io.meshflow.job.sinks;

import io.meshflow.job.config.JdbcSettings;
import io.meshflow.job.config.JobSettings;

import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many sink writers opening one fresh SQLite file at once (a table per writer, two subtasks each)
 * never meet SQLITE_BUSY: the file is put in WAL mode once, before the job, not by every writer.
 */
class SqliteWritersTest {
    private static final int WRITERS = 16;

    @TempDir Path dir;

    @Test
    void sixteenWritersOpenAFreshFileAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int round = 0; round < 10; round++) {
                JobSettings settings =
                        JobSettings.from(
                                new String[] {
                                    "--jdbc.url", "jdbc:sqlite:" + dir.resolve("r" + round + ".db")
                                },
                                Map.of());
                Database.createTables(settings);
                List<Callable<Void>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(
                            () -> {
                                var provider =
                                        new SimpleJdbcConnectionProvider(
                                                JdbcSinks.connection(JdbcSettings.from(settings)));
                                try (Connection c = provider.getOrEstablishConnection();
                                        Statement s = c.createStatement()) {
                                    s.executeUpdate(
                                            "INSERT INTO dead_letters VALUES ('w"
                                                    + writer
                                                    + "', '2026-01-01 00:00:00', 'o', 'r', x'00')");
                                }
                                return null;
                            });
                }
                for (Future<Void> done : pool.invokeAll(writers)) {
                    done.get();
                }
                try (Connection c = Database.connect(settings);
                        Statement s = c.createStatement();
                        ResultSet mode = s.executeQuery("PRAGMA journal_mode")) {
                    mode.next();
                    assertThat(mode.getString(1)).isEqualToIgnoringCase("wal");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
