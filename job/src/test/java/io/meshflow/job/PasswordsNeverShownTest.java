package io.meshflow.job;

import io.meshflow.job.testing.LogCapture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every form a password can take, on every path that ends the job before it runs: the password is
 * in no line printed and no log message.
 */
class PasswordsNeverShownTest {
    private static final String SECRET = "secret123";

    /** Nothing listens on port 1: the database and the broker are unreachable. */
    private static final String NO_POSTGRES = "jdbc:postgresql://127.0.0.1:1/meshflow";

    @TempDir Path dir;

    @Test
    void aBadOptionDoesNotShowThePassword() {
        assertNotShown(2, Map.of(), "--jdbc.url", "jdbc:mysql://u:" + SECRET + "@db/x");
        assertNotShown(2, Map.of(), "--jdbc.password", SECRET, "--pair.timeout", "soon");
        assertNotShown(
                2,
                Map.of(),
                "--jdbc.url",
                "jdbc:postgresql://db/x?PASSWORD=" + SECRET,
                "--parallelism",
                "0");
    }

    @Test
    void anUnreachableDatabaseDoesNotShowThePassword() {
        assertNotShown(
                3, Map.of(), "--jdbc.url", "jdbc:postgresql://u:" + SECRET + "@127.0.0.1:1/x");
        assertNotShown(3, Map.of(), "--jdbc.url", NO_POSTGRES + "?user=u&password=" + SECRET);
        assertNotShown(3, Map.of(), "--jdbc.url", NO_POSTGRES + "?PASSWORD=" + SECRET);
        assertNotShown(
                3,
                Map.of(),
                "--jdbc.url",
                NO_POSTGRES,
                "--jdbc.user",
                "u",
                "--jdbc.password",
                SECRET);
        assertNotShown(
                3,
                Map.of("MESHFLOW_JDBC_PASSWORD", SECRET),
                "--jdbc.url",
                NO_POSTGRES,
                "--jdbc.user",
                "u");
    }

    @Test
    void anUnreachableBrokerDoesNotShowTheKafkaPassword() {
        assertNotShown(
                4,
                Map.of(),
                "--jdbc.url",
                "jdbc:sqlite:" + dir.resolve("results.db"),
                "--kafka.bootstrap-servers",
                "127.0.0.1:1",
                "--kafka.properties.sasl.mechanism",
                "PLAIN",
                "--kafka.properties.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                        + " password=\""
                        + SECRET
                        + "\";");
    }

    private static void assertNotShown(int exitCode, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> logged = new ArrayList<>();
        int code;
        try (LogCapture log = LogCapture.capture()) {
            code =
                    MeshflowJob.execute(
                            args,
                            env,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            logged.addAll(log.messages());
        }
        String printed =
                out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(exitCode);
        assertThat(printed.lines()).as("one line").hasSize(1);
        assertThat(printed).doesNotContain(SECRET);
        assertThat(logged).noneMatch(m -> m.contains(SECRET));
    }
}
