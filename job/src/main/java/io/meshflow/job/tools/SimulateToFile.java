package io.meshflow.job.tools;

import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.sim.MeshSimulator;

import com.google.protobuf.CodedOutputStream;

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
 * java -cp meshflow-job.jar:lib/* io.meshflow.job.tools.SimulateToFile OUTPUT SIDES [SEED] [SPACING_MICROS] [skywalking|otlp]
 * </pre>
 */
public final class SimulateToFile {
    private SimulateToFile() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println(
                    "usage: SimulateToFile OUTPUT SIDES [SEED] [SPACING_MICROS] [skywalking|otlp]");
            System.exit(2);
        }
        long sides =
                write(
                        Path.of(args[0]),
                        Long.parseLong(args[1]),
                        args.length > 2 ? Long.parseLong(args[2]) : 42,
                        args.length > 3 ? Long.parseLong(args[3]) : 1000,
                        args.length > 4 ? InputFormat.valueOf(args[4]) : InputFormat.skywalking);
        System.out.println("wrote " + sides + " records to " + args[0]);
    }

    /** Writes requests until at least {@code sides} sides are written; returns how many were. */
    public static long write(Path file, long sides, long seed, long spacingMicros)
            throws IOException {
        return write(file, sides, seed, spacingMicros, InputFormat.skywalking);
    }

    /**
     * Writes requests in {@code format} until at least {@code records} records are written (one per
     * side, or with otlp one per span); returns how many were.
     */
    public static long write(
            Path file, long records, long seed, long spacingMicros, InputFormat format)
            throws IOException {
        MeshSimulator simulator =
                new MeshSimulator(seed, MeshSimulator.DEFAULT_START, spacingMicros);
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream delimited = CodedOutputStream.newInstance(out);
            for (long n = 0; written < records; n++) {
                // Sidecars (and a Collector per reporter) report separately: one record each.
                for (byte[] record : SimulatedRecords.of(simulator.request(n), format)) {
                    delimited.writeUInt32NoTag(record.length);
                    delimited.writeRawBytes(record);
                    written++;
                }
            }
            delimited.flush();
        }
        return written;
    }
}
