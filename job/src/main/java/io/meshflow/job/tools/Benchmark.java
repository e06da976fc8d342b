package io.meshflow.job.tools;

import io.meshflow.job.MeshflowJob;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;

import org.apache.flink.api.common.JobExecutionResult;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the whole job (file -> every table in SQLite) on an embedded Flink, at parallelism
 * 1 and 2, with the peak heap. A benchmark, not a test: run it on a quiet machine and read the
 * figures.
 *
 * <pre>
 * java -Xmx2g -cp job/target/meshflow-job.jar:job/target/lib/* io.meshflow.job.tools.Benchmark [SIDES] [DIR]
 * </pre>
 */
public final class Benchmark {
    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        long sides = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path dir = Path.of(args.length > 1 ? args[1] : "bench-out");
        // http (the default), tcp or mixed: see SimulateToFile
        String traffic = args.length > 2 ? args[2] : "http";
        Files.createDirectories(dir);
        Path input =
                dir.resolve(
                        traffic.equals("http")
                                ? "sides-" + sides + ".bin"
                                : traffic + "-sides-" + sides + ".bin");
        if (!Files.exists(input)) {
            long start = System.nanoTime();
            SimulateToFile.write(input, sides, 42, 1000, traffic);
            System.out.printf(
                    "made %s: %d sides, %.1f MB, in %.1f s%n",
                    input, sides, Files.size(input) / 1e6, (System.nanoTime() - start) / 1e9);
        }
        System.out.println("parallelism  sides/s   job time  peak heap");
        for (int parallelism : new int[] {1, 2}) {
            Path db = dir.resolve("bench-p" + parallelism + ".db");
            Files.deleteIfExists(db);
            JobSettings settings =
                    JobSettings.from(
                            new String[] {
                                "--input",
                                input.toString(),
                                "--jdbc.url",
                                "jdbc:sqlite:" + db,
                                "--parallelism",
                                String.valueOf(parallelism)
                            },
                            Map.of());
            Database.createTables(settings);
            System.gc();
            HeapSampler heap = new HeapSampler();
            heap.start();
            JobExecutionResult result = MeshflowJob.run(settings);
            heap.interrupt();
            heap.join();
            double seconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
            System.out.printf(
                    "%11d  %7.0f  %7.1f s  %6d MB%n",
                    parallelism, sides / seconds, seconds, heap.peak.get() >> 20);
        }
    }

    /** Samples used heap every 20 ms: the peak the job needed, garbage included. */
    private static final class HeapSampler extends Thread {
        final AtomicLong peak = new AtomicLong();
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        HeapSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
