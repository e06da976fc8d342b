package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.ReleaseSavepoints;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import static io.meshflow.job.testing.FailureFreeComparison.awaitRowsAndACheckpoint;
import static io.meshflow.job.testing.FailureFreeComparison.produceFirstPart;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool, not a test (surefire runs only *Test and *ITCase): writes this version's savepoint (see
 * {@code ReleaseSavepoints}), once per release, into {@code
 * job/src/test/resources/savepoints/<version>/}. Run it with {@code ./mvnw -B -ntp -pl job -am test
 * -Dtest=ReleaseSavepointWriter -Dsurefire.failIfNoSpecifiedTests=false -Dsavepoint.version=X} and
 * commit the directory.
 */
class ReleaseSavepointWriter {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @Test
    void writeTheSavepointOfThisVersion(@TempDir Path dir) throws Exception {
        String version = System.getProperty("savepoint.version");
        assertThat(version).as("-Dsavepoint.version").isNotBlank();
        Path target = ReleaseSavepoints.SOURCE_DIR.resolve(version);
        assertThat(target).as("a version's savepoint is written once").doesNotExist();

        String topic = ReleaseSavepoints.createTopic(version);
        Path db = dir.resolve("at-stop.db");
        JobSettings settings = ReleaseSavepoints.settings(topic, "jdbc:sqlite:" + db, "earliest");
        Database.createTables(settings);
        JobClient job = MeshflowJob.start(settings);
        produceFirstPart(topic);
        awaitRowsAndACheckpoint(settings.jdbcUrl, "group-" + topic);
        // Not drained: the waiting sides, fingerprints and open rows are what must survive.
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get();

        Path wal = dir.resolve("at-stop.db-wal");
        assertThat(Files.exists(wal) && Files.size(wal) > 0)
                .as("every write is in the database file itself")
                .isFalse();
        copyTree(Path.of(URI.create(savepoint)), target.resolve("savepoint"));
        Files.copy(db, target.resolve("at-stop.db"));
        System.out.println("savepoint of " + version + " written to " + target.toAbsolutePath());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
