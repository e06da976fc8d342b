package io.meshflow.job.bench;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.sim.MeshSimulator;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Throughput of the whole job (input -> every table in SQLite) on an embedded Flink, one
 * configuration per run: from a file or through Kafka (a broker in its own process), SkyWalking or
 * OTLP records, one report per record or 1-8, at a given parallelism. Prints sides per second, per
 * CPU-second and per core, the peak heap and the live set (see {@link TimedRun}), then optionally
 * times the same run as a user starts it, {@code java -jar meshflow-job.jar}, whole. With {@code
 * --runs N} the job runs N times in the same JVM: the runs after the first show what a side costs
 * once the JIT compilers are done, as in a job that runs for hours. bench/throughput.sh runs every
 * configuration.
 *
 * <pre>
 * java --add-opens... -cp ... io.meshflow.job.bench.Throughput [--path file|kafka] [--format skywalking|otlp]
 *     [--records batched|single] [--parallelism 2] [--requests 200000] [--bootstrap-servers HOST:PORT]
 *     [--dir bench-out] [--java-jar job/target/meshflow-job.jar] [--runs 1]
 * </pre>
 */
public final class Throughput {
    private Throughput() {}

    public static void main(String[] args) throws Exception {
        BenchArgs options = new BenchArgs(args);
        String path = options.get("path", "file");
        InputFormat format = InputFormat.valueOf(options.get("format", "skywalking"));
        boolean batched = options.get("records", "batched").equals("batched");
        int parallelism = options.getInt("parallelism", 2);
        long requests = options.getLong("requests", 200_000);
        Path dir = Path.of(options.get("dir", "bench-out"));
        Files.createDirectories(dir);
        String javaJar = options.get("java-jar", "");
        int runs = options.getInt("runs", 1);

        String name =
                String.format(
                        "%s-%s-%s-p%d", path, format, batched ? "batched" : "single", parallelism);
        Path db = dir.resolve(name + ".db");
        Files.deleteIfExists(db);
        List<String> input = new ArrayList<>(List.of("--format", format.name()));
        BenchInput records =
                new BenchInput(
                        new MeshSimulator(42, MeshSimulator.DEFAULT_START, 1000),
                        format,
                        batched,
                        settings(input, db, parallelism).decoder);
        long made = System.nanoTime();
        if (path.equals("file")) {
            Path file = dir.resolve(String.format("%s-%s-%d.bin", format, batched, requests));
            records.writeFile(requests, file);
            input.addAll(List.of("--input", file.toString()));
        } else {
            String bootstrap = options.required("bootstrap-servers");
            String topic = KafkaTopics.create(bootstrap, "bench-" + format);
            try (KafkaProducer<byte[], byte[]> producer = KafkaTopics.producer(bootstrap)) {
                records.write(requests, r -> producer.send(new ProducerRecord<>(topic, r)));
                producer.flush();
            }
            input.addAll(
                    List.of(
                            "--kafka.bootstrap-servers",
                            bootstrap,
                            "--kafka.topic",
                            topic,
                            "--kafka.starting-offsets",
                            "earliest",
                            "--kafka.bounded",
                            "true"));
        }
        System.out.printf(
                "throughput: %s, %s, %s, parallelism %d, into SQLite%n"
                        + "  JVM: %s%n"
                        + "  input: %,d requests, %,d sides in %,d records (%.1f MB), made in %.1f"
                        + " s%n",
                path.equals("file") ? "file" : "Kafka (broker in its own process, 4 partitions)",
                format,
                BenchInput.describe(batched),
                parallelism,
                ProcessFigures.jvmSettings(),
                requests,
                records.sides,
                records.records,
                records.bytes / 1e6,
                (System.nanoTime() - made) / 1e9);

        List<String> kafkaGroup = freshGroup(path);
        TimedRun run =
                TimedRun.of(settings(concat(input, kafkaGroup), db, parallelism), records.sides);
        System.out.print(run.describe());
        for (int again = 2; again <= runs; again++) {
            // the same job again in this JVM, its code compiled: what a long-running job costs
            Files.deleteIfExists(db);
            TimedRun warm =
                    TimedRun.of(
                            settings(concat(input, freshGroup(path)), db, parallelism),
                            records.sides);
            System.out.printf("  run %d of %d in this JVM (warm):%n", again, runs);
            System.out.print(warm.describe().indent(2));
            System.out.printf(
                    "WARM %s %s %s %d %d %.0f %.0f %.0f%n",
                    path,
                    format,
                    batched ? "1-8" : "1",
                    parallelism,
                    warm.sides,
                    warm.sidesPerSecond(),
                    warm.sidesPerCpuSecond(),
                    warm.sidesPerCore());
        }
        double command = -1;
        if (!javaJar.isEmpty()) {
            Path commandDb = dir.resolve(name + "-java-jar.db");
            Files.deleteIfExists(commandDb);
            command =
                    timeJavaJar(
                            javaJar,
                            jobArgs(concat(input, freshGroup()), commandDb, parallelism),
                            dir.resolve(name + "-java-jar.log"));
            System.out.printf(
                    "  the whole command, java -jar %s (fresh JVMs, as a user runs it): %.2f s;"
                            + " fixed cost (whole command - job above): %.2f s%n",
                    javaJar, command, command - run.jobSeconds);
        }
        // one line per run, for the table bench/throughput.sh prints
        System.out.printf(
                "RESULT %s %s %s %d %d %.0f %.0f %.0f %d %d %.2f %.2f%n",
                path,
                format,
                batched ? "1-8" : "1",
                parallelism,
                run.sides,
                run.sidesPerSecond(),
                run.sidesPerCpuSecond(),
                run.sidesPerCore(),
                run.peakHeap >> 20,
                run.liveSet >> 20,
                run.jobSeconds,
                command);
        System.exit(0);
    }

    private static List<String> freshGroup() {
        return List.of("--kafka.group-id", "bench-" + UUID.randomUUID());
    }

    /** A fresh consumer group for a Kafka run (none for a file). */
    private static List<String> freshGroup(String path) {
        return path.equals("file") ? List.of() : freshGroup();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> jobArgs(List<String> input, Path db, int parallelism) {
        List<String> args = new ArrayList<>(input);
        args.addAll(List.of("--jdbc.url", "jdbc:sqlite:" + db, "--parallelism", "" + parallelism));
        return args;
    }

    static JobSettings settings(List<String> input, Path db, int parallelism) {
        return JobSettings.from(jobArgs(input, db, parallelism).toArray(String[]::new), Map.of());
    }

    /** Wall seconds of {@code java -jar JAR ARGS}, output to {@code log}. */
    private static double timeJavaJar(String jar, List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar));
        command.addAll(args);
        long start = System.nanoTime();
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        int code = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("java -jar ended with " + code + ", see " + log);
        }
        return seconds;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
