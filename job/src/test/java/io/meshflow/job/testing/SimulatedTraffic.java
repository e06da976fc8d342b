package io.meshflow.job.testing;

import io.meshflow.job.MeshflowJob;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Simulated traffic for recovery tests: one record per side, then two "clock" sides two days later
 * that move the watermark past every bucket of the traffic, so an unbounded job writes all of its
 * rows.
 */
public final class SimulatedTraffic {
    /** Buckets from here on hold only the clock sides; their rows are not compared. */
    public static final String CLOCK_DAY = "2026-01-03 00:00:00";

    public static final List<String> CLOCK_SERVICES = List.of("clock", "clock-sink");

    private SimulatedTraffic() {}

    /**
     * {@code requests} requests of the simulated mesh, 50 a second of event time from 2026-01-01
     * 00:00.
     */
    public static List<byte[]> requests(int requests) {
        MeshSimulator simulator = new MeshSimulator(7, MeshSimulator.DEFAULT_START, 20_000);
        List<byte[]> records = new ArrayList<>();
        for (int n = 0; n < requests; n++) {
            for (HTTPServiceMeshMetric side :
                    simulator.request(n).getHttpMetrics().getMetricsList()) {
                records.add(record(side));
            }
        }
        return records;
    }

    /** One clock side per partition, so that every partition's watermark moves on. */
    public static List<byte[]> clock(int partitions) {
        return clock(partitions, 0);
    }

    /**
     * Clock tick {@code tick}: one side per partition, {@code tick} seconds after the first clock.
     * A job restored from a checkpoint starts without a watermark (Flink does not checkpoint
     * watermarks), so tests keep the clock ticking, as live traffic would, until every row is
     * written.
     */
    public static List<byte[]> clock(int partitions, long tick) {
        List<byte[]> records = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            records.add(
                    record(
                            HTTPServiceMeshMetric.newBuilder()
                                    .setRequestId("clock-" + tick + "-" + p)
                                    .setDetectPoint(DetectPoint.client)
                                    .setSourceServiceName("clock")
                                    .setDestServiceName("clock-sink")
                                    .setStartTime(
                                            MeshSimulator.DEFAULT_START
                                                    + 2 * 86_400_000L
                                                    + 30_000
                                                    + tick * 1000)
                                    .setLatency(1)
                                    .build()));
        }
        return records;
    }

    /**
     * The tables of a failure-free run: {@code traffic} and one clock tick read from a file into
     * {@code jdbcUrl}, at parallelism 2; rows of the clock's buckets and services left out.
     */
    public static Map<String, List<String>> failureFreeTables(
            List<byte[]> traffic, int partitions, Path dir, String jdbcUrl) throws Exception {
        List<byte[]> all = new ArrayList<>(traffic);
        all.addAll(clock(partitions));
        Path file = ScenarioFile.write(dir.resolve("traffic.bin"), all);
        JobSettings settings =
                JobSettings.from(
                        new String[] {
                            "--input", file.toString(), "--jdbc.url", jdbcUrl, "--parallelism", "2"
                        },
                        Map.of());
        Database.createTables(settings);
        MeshflowJob.run(settings);
        return Tables.snapshot(jdbcUrl, CLOCK_DAY, CLOCK_SERVICES);
    }

    /** One input record holding just {@code side}. */
    public static byte[] record(HTTPServiceMeshMetric side) {
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(side))
                .build()
                .toByteArray();
    }
}
