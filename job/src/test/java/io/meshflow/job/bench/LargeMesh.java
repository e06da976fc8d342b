package io.meshflow.job.bench;

import io.meshflow.aggregate.Table;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.job.testing.Postgres;
import io.meshflow.sim.MeshShape;
import io.meshflow.sim.MeshSimulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * A large mesh into PostgreSQL: the simulator's mesh generated to 1,000 services, 10,000 instances
 * and 20,000 endpoints (options), at a given rate of event time, read from a file by the whole job
 * into the embedded PostgreSQL the tests use (started here). Prints the rows written per second and
 * whether the job keeps up: how many seconds of the mesh's traffic it works off per second of its
 * own (more than 1: it keeps up with the mesh at that rate).
 *
 * <pre>
 * java ... io.meshflow.job.bench.LargeMesh [--services 1000] [--instances 10000] [--endpoints 20000]
 *     [--rate 5000] [--requests 400000] [--parallelism 2] [--dir bench-out]
 * </pre>
 */
public final class LargeMesh {
    private LargeMesh() {}

    public static void main(String[] args) throws Exception {
        BenchArgs options = new BenchArgs(args);
        MeshShape shape =
                new MeshShape(
                        options.getInt("services", 1_000),
                        options.getInt("instances", 10_000),
                        options.getInt("endpoints", 20_000));
        long rate = options.getLong("rate", 5_000);
        long requests = options.getLong("requests", 400_000);
        int parallelism = options.getInt("parallelism", 2);
        Path dir = Path.of(options.get("dir", "bench-out"));
        Files.createDirectories(dir);

        String url = Postgres.newDatabase();
        Path file = dir.resolve("large-mesh-" + requests + ".bin");
        BenchInput input =
                new BenchInput(
                        new MeshSimulator(42, MeshSimulator.DEFAULT_START, 1_000_000 / rate, shape),
                        InputFormat.skywalking,
                        false,
                        JobSettings.from(new String[0], Map.of()).decoder);
        input.writeFile(requests, file);
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--input",
                            file.toString(),
                            "--jdbc.url",
                            url,
                            "--jdbc.user",
                            "postgres",
                            "--parallelism",
                            String.valueOf(parallelism)
                        },
                        Map.of());
        double eventSeconds = (double) requests / rate;
        System.out.printf(
                "large mesh: %,d services, %,d instances, %,d endpoints; %,d requests/s of event"
                        + " time; parallelism %d, into PostgreSQL (embedded, this machine)%n"
                        + "  JVM: %s%n"
                        + "  input: %,d requests, %,d sides, %.0f s of the mesh's traffic (one"
                        + " report per record, from a file)%n",
                shape.services(),
                shape.instances(),
                shape.endpoints(),
                rate,
                parallelism,
                ProcessFigures.jvmSettings(),
                requests,
                input.sides,
                eventSeconds);

        TimedRun run = TimedRun.of(settings, input.sides);
        System.out.print(run.describe());
        long stored = 0;
        StringBuilder perTable = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement()) {
            for (Table table : Table.values()) {
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table.sqlName())) {
                    r.next();
                    stored += r.getLong(1);
                    perTable.append(String.format(" %s %,d", table.sqlName(), r.getLong(1)));
                }
            }
        }
        double keepUp = eventSeconds / run.jobSeconds;
        System.out.printf(
                "  rows written: %,.0f row writes/s (%,d upserts handed to the writers in %.1f s);"
                        + " %,d rows in the tables:%s%n"
                        + "  keeps up: %s -- it worked off %.0f s of the mesh's traffic in %.1f s,"
                        + " %.2fx real time: input %,d sides/s, processed %,.0f sides/s%n",
                run.rows / run.jobSeconds,
                run.rows,
                run.jobSeconds,
                stored,
                perTable,
                keepUp >= 1 ? "yes" : "NO",
                eventSeconds,
                run.jobSeconds,
                keepUp,
                Math.round(input.sides / eventSeconds),
                run.sidesPerSecond());
        Postgres.close();
        System.exit(0);
    }
}
