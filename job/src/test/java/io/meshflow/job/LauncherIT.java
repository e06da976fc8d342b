package io.meshflow.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar meshflow-job.jar} runs the job in a child JVM; killing the launcher with SIGKILL
 * (no shutdown hook runs) must not leave that child running as an orphan.
 */
class LauncherIT {
    private static final Path JAR = Path.of("target/meshflow-job.jar");

    @TempDir Path dir;

    @Test
    void theJobEndsWithItsLauncherEvenAfterKill9() throws Exception {
        assertThat(JAR).as("the shaded jar (run in verify, after package)").isRegularFile();
        Process launcher =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "-jar",
                                        JAR.toString(),
                                        "--generator.requests",
                                        "1000000000",
                                        "--jdbc.url",
                                        "jdbc:sqlite:" + dir.resolve("results.db")))
                        .redirectOutput(dir.resolve("out.txt").toFile())
                        .redirectError(dir.resolve("err.txt").toFile())
                        .start();
        try {
            ProcessHandle child =
                    await("the job's JVM started by the launcher")
                            .atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> launcher.children().findFirst(), Optional::isPresent)
                            .orElseThrow();
            // the job itself is up: it has created the results database
            await("the job running")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> new File(dir.resolve("results.db").toString()).length() > 0);

            launcher.destroyForcibly(); // SIGKILL
            launcher.waitFor();

            await("the orphaned job's JVM ended")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !child.isAlive());
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }
}
