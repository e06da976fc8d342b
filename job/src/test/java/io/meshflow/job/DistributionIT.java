package io.meshflow.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution the build makes, {@code target/meshflow-<version>.tar.gz}, as a user gets it:
 * unpacked into an empty directory, {@code bin/meshflow} run from another one, with Java found
 * through {@code JAVA_HOME} only.
 */
class DistributionIT {
    private static final String VERSION = System.getProperty("meshflow.version", "0.1.0-SNAPSHOT");
    private static final Path ARCHIVE = Path.of("target/meshflow-" + VERSION + ".tar.gz");

    @TempDir Path dir;

    @Test
    void theUnpackedDistributionRunsTheDefaultJobFromAnyDirectory() throws Exception {
        Path home = unpack();
        Path work = Files.createDirectories(dir.resolve("work"));

        Result run =
                run(work, home.resolve("bin/meshflow").toString(), "--generator.requests", "2000");

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.stdout)
                .as("the summary")
                .contains("meshflow: results are in jdbc:sqlite:meshflow.db")
                .containsPattern("calls: +\\d+");
        Path db = work.resolve("meshflow.db");
        assertThat(db).as("results in the directory it was run from").isRegularFile();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT SUM(sides) FROM pipeline_stats WHERE granularity = 'day'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("sides of 2000 requests").isGreaterThanOrEqualTo(2000);
        }
    }

    @Test
    void aLocalRunsConsoleHasNoWarningsAndReportsProgress() throws Exception {
        Path home = unpack();
        Path work = Files.createDirectories(dir.resolve("console"));

        // a progress line every 100 ms instead of 5 s: this run takes a few seconds
        Result run =
                run(
                        work,
                        home.resolve("bin/meshflow").toString(),
                        "--generator.requests",
                        "30000",
                        "--progress.interval",
                        "100ms");

        assertThat(run.exit).as(run.toString()).isZero();
        List<String> console = run.stderr.lines().toList();
        assertThat(console)
                .as("warnings on the console")
                .noneMatch(line -> line.contains(" WARN "));
        assertThat(console)
                .as("progress lines")
                .anyMatch(
                        line ->
                                line.matches(
                                        ".*progress: \\d+ sides read \\(\\d+/s\\), \\d+ calls,"
                                                + " \\d+ rows written, \\d+ dead letters"));
        assertThat(run.stdout).contains("picture:      meshflow graph  (writes topology.html");
    }

    @Test
    void helpAndTheCommandsPassThrough() throws Exception {
        Path home = unpack();
        String launcher = home.resolve("bin/meshflow").toString();

        Result help = run(dir, launcher, "--help");
        assertThat(help.exit).as(help.toString()).isZero();
        assertThat(help.stdout)
                .contains("--endpoint.max-per-service")
                .contains("--generator.requests");

        Result produceHelp = run(dir, launcher, "produce", "--help");
        assertThat(produceHelp.exit).as(produceHelp.toString()).isZero();
        assertThat(produceHelp.stdout).contains("--kafka.bootstrap-servers");

        Result graphHelp = run(dir, launcher, "graph", "--help");
        assertThat(graphHelp.exit).as(graphHelp.toString()).isZero();
        assertThat(graphHelp.stdout).contains("--granularity").contains("--out");

        Result bad = run(dir, launcher, "--no-such-option", "1");
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.stderr.strip().lines()).hasSize(1);
    }

    @Test
    void theArchiveHoldsWhatItPromises() throws Exception {
        Path home = unpack();
        assertThat(home.resolve("bin/meshflow")).isExecutable();
        assertThat(home.resolve("lib/meshflow-job.jar")).isRegularFile();
        assertThat(home.resolve("lib/add-opens.txt")).isRegularFile();
        assertThat(home.resolve("conf/log4j2.properties")).isRegularFile();
        assertThat(home.resolve("conf/meshflow.options")).isRegularFile();
        assertThat(home.resolve("sql/schema-sqlite.sql")).isRegularFile();
        assertThat(home.resolve("sql/schema-postgres.sql")).isRegularFile();
        assertThat(Files.readString(home.resolve("README"))).contains("meshflow " + VERSION);
        try (var jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("flink-runtime-"));
        }
    }

    @Test
    void theJarAloneSaysInOneLineWhereToGo() throws Exception {
        Path alone =
                Files.copy(Path.of("target/meshflow-job.jar"), dir.resolve("meshflow-job.jar"));

        Result run = run(dir, java(), "-jar", alone.toString());

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.stderr.strip().lines()).hasSize(1);
        assertThat(run.stderr).contains("bin/meshflow").contains("flink run");
    }

    private Path unpack() throws Exception {
        assertThat(ARCHIVE).as("the distribution (made by package, before verify)").isRegularFile();
        Path target = Files.createDirectories(dir.resolve("unpacked"));
        Result tar = run(target, "tar", "xzf", ARCHIVE.toAbsolutePath().toString());
        assertThat(tar.exit).as(tar.toString()).isZero();
        return target.resolve("meshflow-" + VERSION);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Result run(Path workDir, String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder =
                new ProcessBuilder(new ArrayList<>(List.of(command)))
                        .directory(workDir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        // Java only through JAVA_HOME, as a user's shell would have it
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("still running after 5 minutes: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), read(out), read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private record Result(int exit, String stdout, String stderr) {}
}
