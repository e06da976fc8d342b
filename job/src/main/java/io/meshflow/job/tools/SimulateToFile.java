package io.meshflow.job.tools;

import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the simulator's requests to a file in the input format of SPEC 1.2, one record per sidecar
 * report. TRAFFIC is {@code http} (requests only, the default), {@code tcp} (TCP connections only,
 * one every SPACING_MICROS) or {@code mixed} (a connection after every ten requests, as the
 * built-in generator runs).
 *
 * <pre>
 * java -cp meshflow-job.jar:lib/* io.meshflow.job.tools.SimulateToFile OUTPUT SIDES [SEED] [SPACING_MICROS] [TRAFFIC]
 * </pre>
 */
public final class SimulateToFile {
    private SimulateToFile() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println(
                    "usage: SimulateToFile OUTPUT SIDES [SEED] [SPACING_MICROS] [http|tcp|mixed]");
            System.exit(2);
        }
        long sides =
                write(
                        Path.of(args[0]),
                        Long.parseLong(args[1]),
                        args.length > 2 ? Long.parseLong(args[2]) : 42,
                        args.length > 3 ? Long.parseLong(args[3]) : 1000,
                        args.length > 4 ? args[4] : "http");
        System.out.println("wrote " + sides + " sides to " + args[0]);
    }

    /** Writes requests until at least {@code sides} sides are written; returns how many were. */
    public static long write(Path file, long sides, long seed, long spacingMicros)
            throws IOException {
        return write(file, sides, seed, spacingMicros, "http");
    }

    /**
     * Writes the {@code traffic} (http, tcp or mixed) until at least {@code sides} sides are
     * written; returns how many were.
     */
    public static long write(Path file, long sides, long seed, long spacingMicros, String traffic)
            throws IOException {
        long tcpSpacing =
                traffic.equals("tcp")
                        ? spacingMicros / MeshSimulator.REQUESTS_PER_CONNECTION
                        : spacingMicros;
        MeshSimulator simulator = new MeshSimulator(seed, MeshSimulator.DEFAULT_START, tcpSpacing);
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (long n = 0; written < sides; n++) {
                ServiceMeshMetrics record =
                        switch (traffic) {
                            case "http" -> simulator.request(n);
                            case "tcp" -> simulator.connection(n);
                            case "mixed" -> simulator.record(n);
                            default ->
                                    throw new IllegalArgumentException(
                                            "traffic is http, tcp or mixed, not " + traffic);
                        };
                written += writeSidesApart(record, out);
            }
        }
        return written;
    }

    /** Sidecars report separately: one record per side. Returns how many were written. */
    private static int writeSidesApart(ServiceMeshMetrics record, OutputStream out)
            throws IOException {
        if (record.hasTcpMetrics()) {
            for (var side : record.getTcpMetrics().getMetricsList()) {
                ServiceMeshMetrics.newBuilder()
                        .setTcpMetrics(
                                record.getTcpMetrics().toBuilder().clearMetrics().addMetrics(side))
                        .build()
                        .writeDelimitedTo(out);
            }
            return record.getTcpMetrics().getMetricsCount();
        }
        for (var side : record.getHttpMetrics().getMetricsList()) {
            ServiceMeshMetrics.newBuilder()
                    .setHttpMetrics(
                            record.getHttpMetrics().toBuilder().clearMetrics().addMetrics(side))
                    .build()
                    .writeDelimitedTo(out);
        }
        return record.getHttpMetrics().getMetricsCount();
    }
}
