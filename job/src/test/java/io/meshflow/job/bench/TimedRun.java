package io.meshflow.job.bench;

import io.meshflow.job.MeshflowJob;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

import java.util.concurrent.CompletableFuture;

/**
 * One bounded run of the whole job on an embedded Flink, timed from the first side read (the
 * pairing's first) to the job's end (every row written and committed), with the CPU time of the
 * process over the same span, the peak heap, and the live set once the input is all read.
 *
 * <p>The live set is the heap used after a {@code System.gc()} (a full collection with G1 and
 * Parallel) taken when the pairing has seen the input's last side, before the end of input flushes
 * the job's state: the pairing's keys, the pre-aggregated rows and Flink's buffers are still held.
 * That collection's pause and CPU time are taken out of the run's figures.
 */
final class TimedRun {
    /** Sides the pairing saw. */
    long sides;

    /** Rows handed to the database writers. */
    long rows;

    /** Submission to the first side read, in seconds. */
    double startSeconds;

    /** First side read to the job's end, in seconds. */
    double jobSeconds;

    /** CPU seconds of this process over {@link #jobSeconds}. */
    double cpuSeconds;

    long peakHeap;

    /** -1: the job ended before its last side could be seen with the state held. */
    long liveSet = -1;

    long inFlightKeysAtEnd = -1;

    private TimedRun() {}

    /**
     * Runs the job to its end; {@code inputSides} is how many sides the input holds (the live set
     * is measured when the pairing has seen them all).
     */
    static TimedRun of(JobSettings settings, long inputSides) throws Exception {
        Database.createTables(settings);
        Configuration config = MeshflowJob.flinkConfig(settings);
        JobMetrics.enable(config);
        JobMetrics.reset();
        System.gc();
        TimedRun run = new TimedRun();
        ProcessFigures.HeapPeak heap = new ProcessFigures.HeapPeak();
        heap.start();
        long submitted = System.nanoTime();
        JobClient client = MeshflowJob.start(settings, config);
        CompletableFuture<?> end = client.getJobExecutionResult();
        while (JobMetrics.sides() == 0 && !end.isDone()) {
            Thread.sleep(1);
        }
        long first = System.nanoTime();
        long cpuFirst = ProcessFigures.cpuNanos();
        while (JobMetrics.sides() < inputSides && !end.isDone()) {
            Thread.sleep(1);
        }
        long gcNanos = 0;
        long gcCpu = 0;
        if (!end.isDone()) {
            long before = System.nanoTime();
            long cpuBefore = ProcessFigures.cpuNanos();
            System.gc();
            run.liveSet = ProcessFigures.heapUsed();
            run.inFlightKeysAtEnd = JobMetrics.inFlightKeys();
            gcNanos = System.nanoTime() - before;
            gcCpu = ProcessFigures.cpuNanos() - cpuBefore;
        }
        end.get();
        long last = System.nanoTime();
        run.cpuSeconds = (ProcessFigures.cpuNanos() - cpuFirst - gcCpu) / 1e9;
        run.peakHeap = heap.finish();
        run.startSeconds = (first - submitted) / 1e9;
        run.jobSeconds = (last - first - gcNanos) / 1e9;
        run.sides = JobMetrics.sides();
        run.rows = JobMetrics.rows();
        return run;
    }

    double sidesPerSecond() {
        return sides / jobSeconds;
    }

    double sidesPerCpuSecond() {
        return sides / cpuSeconds;
    }

    /** Sides a wall second, shared by the cores of the machine. */
    double sidesPerCore() {
        return sidesPerSecond() / ProcessFigures.cores();
    }

    /** The figures, a few lines indented under a run's heading. */
    String describe() {
        return String.format(
                "  job (first side read -> last row written): %d sides in %.2f s = %,.0f sides/s%n"
                        + "  per core: %,.0f sides per CPU-second (%.2f CPU-s of this process),"
                        + " %,.0f sides/s per core (wall rate / %d cores)%n"
                        + "  rows handed to the writers: %,d (%,.0f rows/s)%n"
                        + "  peak heap %d MB (garbage included); live set at end of input %s%n"
                        + "  submit -> first side read: %.2f s%n",
                sides,
                jobSeconds,
                sidesPerSecond(),
                sidesPerCpuSecond(),
                cpuSeconds,
                sidesPerCore(),
                ProcessFigures.cores(),
                rows,
                rows / jobSeconds,
                peakHeap >> 20,
                liveSet < 0
                        ? "not measured (the job ended first)"
                        : String.format(
                                "%d MB (heap used after System.gc() with the state held,"
                                        + " %,d keys in flight)",
                                liveSet >> 20, inFlightKeysAtEnd),
                startSeconds);
    }
}
