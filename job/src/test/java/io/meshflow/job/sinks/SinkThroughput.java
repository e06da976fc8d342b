package io.meshflow.job.sinks;

import io.meshflow.job.MeshflowJob;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.sink.OutputTable;
import io.meshflow.sink.OutputTables;

import org.apache.flink.api.common.JobExecutionResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How many rows a second the whole job writes into SQLite and PostgreSQL on a wide topology ({@link
 * WideMesh}): a documented command that prints figures, not a test (README, Benchmark).
 *
 * <pre>
 * SinkThroughput [REQUESTS (250000)] [PARALLELISM (2)] [sqlite,postgres]
 * </pre>
 *
 * Each database gets a fresh file or database; the job reads the same file on a local Flink, as
 * {@code java -jar} runs it. Rows are the rows in the tables at the end (dead letters included:
 * there are none), divided by the job's net run time (from its first task's start to its end, so
 * the local cluster's start is not counted).
 */
public final class SinkThroughput {
    private SinkThroughput() {}

    public static void main(String[] args) throws Exception {
        long requests = args.length > 0 ? Long.parseLong(args[0]) : 250_000;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> databases =
                List.of((args.length > 2 ? args[2] : "sqlite,postgres").split(","));
        Path dir = Files.createDirectories(Path.of("target", "sink-throughput"));
        Path input = dir.resolve("wide-" + requests + ".pb");
        if (!Files.exists(input)) {
            WideMesh.write(input, requests);
        }
        try {
            for (String database : databases) {
                String url =
                        switch (database) {
                            case "sqlite" -> {
                                Path file = dir.resolve("wide-" + System.nanoTime() + ".db");
                                yield "jdbc:sqlite:" + file;
                            }
                            case "postgres" -> Postgres.newDatabase();
                            default ->
                                    throw new IllegalArgumentException(
                                            "unknown database " + database);
                        };
                measure(database, url, input, requests, parallelism);
            }
        } finally {
            Postgres.close();
        }
    }

    private static void measure(
            String database, String url, Path input, long requests, int parallelism)
            throws Exception {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--input",
                            input.toString(),
                            "--jdbc.url",
                            url,
                            "--parallelism",
                            String.valueOf(parallelism)
                        },
                        Map.of());
        Database.createTables(settings);
        long started = System.nanoTime();
        JobExecutionResult result = MeshflowJob.run(settings);
        double wall = (System.nanoTime() - started) / 1e9;
        double net = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
        long rows = 0;
        for (OutputTable<?> table : OutputTables.all()) {
            rows += Rows.count(url, "SELECT COUNT(*) FROM " + table.name());
        }
        long sides = 2 * requests;
        System.out.printf(
                "%-8s p=%d: %,d sides, %,d rows (%.2f a side), job %.1f s (%.1f s with the local"
                        + " cluster's start): %,.0f rows/s, %,.0f sides/s%n",
                database,
                parallelism,
                sides,
                rows,
                (double) rows / sides,
                net,
                wall,
                rows / net,
                sides / net);
    }
}
