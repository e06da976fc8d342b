package io.meshflow.job.sinks;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.MeshflowJob;
import io.meshflow.job.MeshflowPipeline;
import io.meshflow.job.MeshflowWiring;
import io.meshflow.job.bench.JobMetrics;
import io.meshflow.job.config.JdbcSettings;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.PipelineSettings;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.sink.OutputTable;
import io.meshflow.sink.OutputTables;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;

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
 * SinkThroughput [REQUESTS (250000)] [PARALLELISM (2)] [sqlite,postgres] [job|sink|none]
 * </pre>
 *
 * Each database gets a fresh file or database. {@code job} (the default): the whole job reads a
 * file of REQUESTS requests on a local Flink, as {@code java -jar} runs it. {@code sink}: the
 * database sink alone writes the minute rows of the same mesh ({@link WideMeshRows}, about as many
 * rows as the job makes of REQUESTS requests), made by a generator source at the same parallelism.
 * {@code none}: the whole job with its rows discarded instead of written (the database named is not
 * used): how fast the rest of the job makes them. Rows are the rows in the tables at the end (dead
 * letters included: there are none), divided by the job's net run time (from its first task's start
 * to its end, so the local cluster's start is not counted).
 */
public final class SinkThroughput {
    private SinkThroughput() {}

    public static void main(String[] args) throws Exception {
        long requests = args.length > 0 ? Long.parseLong(args[0]) : 250_000;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> databases =
                List.of((args.length > 2 ? args[2] : "sqlite,postgres").split(","));
        String mode = args.length > 3 ? args[3] : "job";
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
                switch (mode) {
                    case "sink" -> measureSink(database, url, requests * 4 / 3, parallelism);
                    case "none" -> measureWithoutDatabase(input, requests, parallelism);
                    default -> measure(database, url, input, requests, parallelism);
                }
            }
        } finally {
            Postgres.close();
        }
    }

    private static void measureSink(String database, String url, long rows, int parallelism)
            throws Exception {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--jdbc.url", url, "--parallelism", String.valueOf(parallelism)
                        },
                        Map.of());
        Database.createTables(settings);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        MeshflowJob.flinkConfig(settings));
        env.setParallelism(parallelism);
        DataStream<Either<MetricRecord, DeadLetter>> records =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        new WideMeshRows(),
                                        rows,
                                        TypeInformation.of(MetricRecord.class)),
                                WatermarkStrategy.noWatermarks(),
                                "Wide mesh rows")
                        .map(row -> Either.<MetricRecord, DeadLetter>Left(row))
                        .returns(DatabaseSink.TYPE);
        DatabaseSink.write(records, JdbcSettings.from(settings));
        JobExecutionResult result = env.execute("sink throughput");
        double net = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
        long written = 0;
        for (OutputTable<?> table : OutputTables.all()) {
            written += Rows.count(url, "SELECT COUNT(*) FROM " + table.name());
        }
        System.out.printf(
                "%-8s p=%d, the sink alone: %,d rows made, %,d rows in the tables, job %.1f s:"
                        + " %,.0f rows/s%n",
                database, parallelism, rows, written, net, rows / net);
    }

    private static void measureWithoutDatabase(Path input, long requests, int parallelism)
            throws Exception {
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--input",
                            input.toString(),
                            "--parallelism",
                            String.valueOf(parallelism)
                        },
                        Map.of());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        MeshflowJob.flinkConfig(settings));
        env.setParallelism(parallelism);
        DataStream<SideBatch> batches = MeshflowWiring.readSides(env, settings);
        MeshflowPipeline.Outputs outputs =
                MeshflowPipeline.apply(batches, PipelineSettings.from(settings));
        for (Table table : Table.values()) {
            outputs.rows(table).sinkTo(new DiscardingSink<>());
        }
        outputs.deadLetters().sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("no database");
        double net = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
        System.out.printf(
                "none     p=%d, rows discarded: %,d sides, job %.1f s: %,.0f sides/s%n",
                parallelism, 2 * requests, net, 2 * requests / net);
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
        Configuration config = MeshflowJob.flinkConfig(settings);
        JobMetrics.enable(config);
        JobMetrics.reset();
        long started = System.nanoTime();
        JobExecutionResult result =
                MeshflowJob.start(settings, config).getJobExecutionResult().get();
        double wall = (System.nanoTime() - started) / 1e9;
        double net = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
        long rows = 0;
        for (OutputTable<?> table : OutputTables.all()) {
            rows += Rows.count(url, "SELECT COUNT(*) FROM " + table.name());
        }
        long sides = 2 * requests;
        System.out.printf(
                "%-8s p=%d: %,d sides, %,d rows (%.2f a side), job %.1f s (%.1f s with the local"
                        + " cluster's start): %,.0f rows/s, %,.0f sides/s; %,d row versions to"
                        + " the writers (%,.0f a second, %.1f a row), %,d row writes to the"
                        + " database (%,.0f a second, %.1f a row)%n",
                database,
                parallelism,
                sides,
                rows,
                (double) rows / sides,
                net,
                wall,
                rows / net,
                sides / net,
                JobMetrics.rows(),
                JobMetrics.rows() / net,
                (double) JobMetrics.rows() / rows,
                JobMetrics.rowsWritten(),
                JobMetrics.rowsWritten() / net,
                (double) JobMetrics.rowsWritten() / rows);
    }
}
