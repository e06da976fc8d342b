package io.meshflow.job;

import io.meshflow.decode.otlp.SpanDecoder;
import io.meshflow.decode.skywalking.SideDecoder;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad command line ends the job at once with one clear line and a non-zero exit code. */
class CommandLineTest {

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            --foo 1                                        | unknown option --foo
            input.bin                                      | unexpected argument 'input.bin'
            --pair.timeout                                 | option --pair.timeout needs a value
            --pair.timeout soon                            | invalid value 'soon' for --pair.timeout: expected a duration
            --pair.timeout 0s                              | --pair.timeout must be longer than zero
            --allowed-lateness -5s                         | invalid value '-5s' for --allowed-lateness
            --watermark.out-of-orderness 5 parsecs         | unexpected argument 'parsecs'
            --apdex.threshold 0ms                          | --apdex.threshold must be longer than zero
            --generator.requests many                      | invalid value 'many' for --generator.requests: expected a whole number
            --generator.requests 0                         | --generator.requests must be at least 1
            --parallelism 0                                | --parallelism must be at least 1
            --kafka.starting-offsets yesterday             | invalid value 'yesterday' for --kafka.starting-offsets: expected committed, earliest or latest
            --kafka.bounded perhaps                        | invalid value 'perhaps' for --kafka.bounded: expected true or false
            --jdbc.url jdbc:mysql://db/x                   | --jdbc.url: unsupported database URL 'jdbc:mysql://db/x'
            --input /no/such/file.bin                      | cannot read --input /no/such/file.bin: no such file
            --apdex.thresholds-file /no/such/apdex.txt     | cannot read --apdex.thresholds-file /no/such/apdex.txt
            --input x --input y                            | option --input is given twice
            --input x --kafka.bootstrap-servers k:9092     | --input and --kafka.bootstrap-servers exclude each other
            --format zipkin                                | invalid value 'zipkin' for --format: expected skywalking or otlp
            --write-mode bogus                             | invalid value 'bogus' for --write-mode: expected replace or merge
            --write-mode merge --kafka.bootstrap-servers k:9092 | --write-mode merge needs bounded input
            --write-mode.run-id r1                         | --write-mode.run-id is for --write-mode merge
            """)
    void aBadOptionEndsTheJobWithOneLine(String commandLine, String expected) {
        Result result = run(commandLine.trim().split("\\s+"));
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).startsWith("meshflow: ").contains(expected).hasLineCount(1);
    }

    @Test
    void aBadLineInTheThresholdsFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("apdex.txt"), "reviews: 250\nratings = 40\n");
        Result result = run("--apdex.thresholds-file", file.toString());
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("line 2").contains("ratings = 40").hasLineCount(1);
    }

    @Test
    void aDirectoryIsNotAnInputFile() {
        Result result = run("--input", dir.toString());
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("not a readable file").hasLineCount(1);
    }

    @Test
    void anUnreachableDatabaseEndsTheJobWithoutShowingThePassword() {
        Result result =
                run(
                        Map.of(),
                        "--jdbc.url",
                        "jdbc:postgresql://127.0.0.1:1/meshflow?connectTimeout=2",
                        "--jdbc.user",
                        "meshflow",
                        "--jdbc.password",
                        "s3cret-pw");
        assertThat(result.code).isEqualTo(3);
        assertThat(result.err)
                .startsWith("meshflow: cannot use the database jdbc:postgresql://127.0.0.1:1/")
                .doesNotContain("s3cret-pw")
                .hasLineCount(1);
    }

    @Test
    void aDurationWithoutAUnitIsRefused() {
        Result result = run("--pair.timeout", "10");
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err)
                .isEqualTo(
                        "meshflow: invalid value '10' for --pair.timeout: a duration needs a unit,"
                                + " e.g. 10s or 10ms");
    }

    @Test
    void anSqliteDatabaseWithoutAFileEndsTheJobAtStart() {
        for (String url :
                List.of("jdbc:sqlite:", "jdbc:sqlite::memory:", "jdbc:sqlite:file:x?mode=memory")) {
            Result result = run("--jdbc.url", url);
            assertThat(result.code).as(url).isEqualTo(3);
            assertThat(result.err)
                    .as(url)
                    .startsWith("meshflow: cannot use the database " + url + ": an SQLite database")
                    .hasLineCount(1);
        }
    }

    @Test
    void tablesWithOtherColumnsEndTheJobAtStart() throws Exception {
        Path db = Files.createTempDirectory("meshflow").resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE service_metrics (granularity TEXT, bucket_start TEXT, name TEXT)");
        }
        Result result = run("--jdbc.url", "jdbc:sqlite:" + db);
        assertThat(result.code).isEqualTo(3);
        assertThat(result.err)
                .contains("table service_metrics exists without the columns service, calls")
                .hasLineCount(1);
    }

    @Test
    void anUnwritableSqliteFileEndsTheJob() {
        Result result = run("--jdbc.url", "jdbc:sqlite:/no/such/dir/meshflow.db");
        assertThat(result.code).isEqualTo(3);
        assertThat(result.err)
                .startsWith(
                        "meshflow: cannot use the database jdbc:sqlite:/no/such/dir/meshflow.db")
                .hasLineCount(1);
    }

    @Test
    void defaultsAreThoseOfTheSpec() {
        JobSettings settings = JobSettings.from(new String[0], Map.of());
        assertThat(settings.source).isEqualTo(JobSettings.SourceKind.GENERATOR);
        assertThat(settings.options.get(MeshflowOptions.GENERATOR_REQUESTS)).isEqualTo(100_000L);
        assertThat(settings.jdbcUrl).isEqualTo("jdbc:sqlite:meshflow.db");
        assertThat(settings.timing.pairTimeoutMs()).isEqualTo(10_000);
        assertThat(settings.outOfOrderness).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.options.get(MeshflowOptions.ALLOWED_LATENESS))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.apdex.thresholdMs("any")).isEqualTo(500);
        assertThat(settings.options.get(MeshflowOptions.KAFKA_TOPIC)).isEqualTo("mesh-telemetry");
        assertThat(settings.options.get(MeshflowOptions.KAFKA_GROUP_ID)).isEqualTo("meshflow");
        assertThat(settings.options.get(MeshflowOptions.KAFKA_STARTING_OFFSETS))
                .isEqualTo(MeshflowOptions.StartingOffsets.committed);
        assertThat(settings.options.get(MeshflowOptions.KAFKA_BOUNDED)).isFalse();
        assertThat(settings.parallelism).isNull();
        assertThat(settings.format).isEqualTo(MeshflowOptions.InputFormat.skywalking);
        assertThat(settings.decoder).isInstanceOf(SideDecoder.class);
    }

    @Test
    void formatOtlpDecodesSpans() throws Exception {
        Path input = Files.createFile(dir.resolve("spans.bin"));
        JobSettings file =
                JobSettings.from(
                        new String[] {"--input", input.toString(), "--format", "otlp"}, Map.of());
        assertThat(file.decoder).isInstanceOf(SpanDecoder.class);
        JobSettings kafka =
                JobSettings.from(
                        new String[] {"--kafka.bootstrap-servers", "k:9092", "--format", "otlp"},
                        Map.of());
        assertThat(kafka.decoder).isInstanceOf(SpanDecoder.class);
    }

    @Test
    void durationsTakeFlinksForms() {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--pair.timeout",
                            "2min",
                            "--allowed-lateness",
                            "500ms",
                            "--apdex.threshold",
                            "1s"
                        },
                        Map.of());
        assertThat(settings.timing.pairTimeoutMs()).isEqualTo(120_000);
        assertThat(settings.options.get(MeshflowOptions.ALLOWED_LATENESS))
                .isEqualTo(Duration.ofMillis(500));
        assertThat(settings.apdex.thresholdMs("any")).isEqualTo(1000);
    }

    @Test
    void thePasswordMayComeFromTheEnvironment() {
        JobSettings fromEnv =
                JobSettings.from(new String[0], Map.of(JobSettings.PASSWORD_ENV, "pw"));
        assertThat(fromEnv.jdbcPassword).isEqualTo("pw");
        JobSettings fromOption =
                JobSettings.from(
                        new String[] {"--jdbc.password", "opt"},
                        Map.of(JobSettings.PASSWORD_ENV, "pw"));
        assertThat(fromOption.jdbcPassword).as("the command line wins").isEqualTo("opt");
    }

    /**
     * The child JVM of {@code java -jar} gets the same --add-opens as the test JVMs: both come from
     * the parent pom's one list (java.add-opens).
     */
    @Test
    void theLauncherOpensWhatTheTestJvmsOpen() throws Exception {
        assertThat(Launcher.addOpens())
                .contains("--add-opens=java.base/java.util=ALL-UNNAMED")
                .allMatch(flag -> flag.startsWith("--add-opens="))
                .isSubsetOf(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    @Test
    void kafkaPropertiesArePassedThrough() {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            "k:9092",
                            "--kafka.properties.security.protocol",
                            "SASL_SSL"
                        },
                        Map.of());
        assertThat(settings.source).isEqualTo(JobSettings.SourceKind.KAFKA);
        assertThat(settings.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .hasSize(1);
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args,
                        env,
                        new PrintStream(out),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, err.toString(StandardCharsets.UTF_8).strip());
    }

    private record Result(int code, String err) {}
}
