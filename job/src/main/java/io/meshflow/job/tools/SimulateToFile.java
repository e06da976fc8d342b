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
 * report.
 *
 * <pre>
 * java -cp meshflow-job.jar:lib/* io.meshflow.job.tools.SimulateToFile OUTPUT SIDES [SEED] [SPACING_MICROS]
 * </pre>
 */
public final class SimulateToFile {
    private SimulateToFile() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SimulateToFile OUTPUT SIDES [SEED] [SPACING_MICROS]");
            System.exit(2);
        }
        long sides =
                write(
                        Path.of(args[0]),
                        Long.parseLong(args[1]),
                        args.length > 2 ? Long.parseLong(args[2]) : 42,
                        args.length > 3 ? Long.parseLong(args[3]) : 1000);
        System.out.println("wrote " + sides + " sides to " + args[0]);
    }

    /** Writes requests until at least {@code sides} sides are written; returns how many were. */
    public static long write(Path file, long sides, long seed, long spacingMicros)
            throws IOException {
        MeshSimulator simulator =
                new MeshSimulator(seed, MeshSimulator.DEFAULT_START, spacingMicros);
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (long n = 0; written < sides; n++) {
                ServiceMeshMetrics request = simulator.request(n);
                // Sidecars report separately: one record per side.
                for (var side : request.getHttpMetrics().getMetricsList()) {
                    ServiceMeshMetrics.newBuilder()
                            .setHttpMetrics(
                                    request.getHttpMetrics().toBuilder()
                                            .clearMetrics()
                                            .addMetrics(side))
                            .build()
                            .writeDelimitedTo(out);
                    written++;
                }
            }
        }
        return written;
    }
}
