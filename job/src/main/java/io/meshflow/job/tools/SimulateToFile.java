package io.meshflow.job.tools;

import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import com.google.protobuf.CodedOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the simulator's traffic to a file in the input format of SPEC 1.2, one record per sidecar
 * report. TRAFFIC is {@code http} (requests only, the default), {@code tcp} (TCP connections only,
 * one every SPACING_MICROS), {@code mixed} (a connection after every ten requests, as the built-in
 * generator runs), or {@code otlp} (the requests as OpenTelemetry spans, one record per reporter).
 *
 * <pre>
 * java -cp meshflow-job.jar:lib/* io.meshflow.job.tools.SimulateToFile OUTPUT RECORDS [SEED] [SPACING_MICROS] [TRAFFIC]
 * </pre>
 */
public final class SimulateToFile {
    private SimulateToFile() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println(
                    "usage: SimulateToFile OUTPUT RECORDS [SEED] [SPACING_MICROS]"
                            + " [http|tcp|mixed|otlp]");
            System.exit(2);
        }
        long written =
                write(
                        Path.of(args[0]),
                        Long.parseLong(args[1]),
                        args.length > 2 ? Long.parseLong(args[2]) : 42,
                        args.length > 3 ? Long.parseLong(args[3]) : 1000,
                        args.length > 4 ? args[4] : "http");
        System.out.println("wrote " + written + " records to " + args[0]);
    }

    /** Writes requests until at least {@code sides} sides are written; returns how many were. */
    public static long write(Path file, long sides, long seed, long spacingMicros)
            throws IOException {
        return write(file, sides, seed, spacingMicros, "http");
    }

    /**
     * Writes the {@code traffic} until at least {@code records} records are written (one per side,
     * or with otlp one per reporter's spans); returns how many were.
     */
    public static long write(Path file, long records, long seed, long spacingMicros, String traffic)
            throws IOException {
        long spacing =
                traffic.equals("tcp")
                        ? spacingMicros / MeshSimulator.REQUESTS_PER_CONNECTION
                        : spacingMicros;
        MeshSimulator simulator = new MeshSimulator(seed, MeshSimulator.DEFAULT_START, spacing);
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream delimited = CodedOutputStream.newInstance(out);
            for (long n = 0; written < records; n++) {
                // Sidecars (and a Collector per reporter) report separately: one record each.
                for (byte[] record : records(simulator, n, traffic)) {
                    delimited.writeUInt32NoTag(record.length);
                    delimited.writeRawBytes(record);
                    written++;
                }
            }
            delimited.flush();
        }
        return written;
    }

    private static List<byte[]> records(MeshSimulator simulator, long n, String traffic) {
        ServiceMeshMetrics record =
                switch (traffic) {
                    case "http", "otlp" -> simulator.request(n);
                    case "tcp" -> simulator.connection(n);
                    case "mixed" -> simulator.record(n);
                    default ->
                            throw new IllegalArgumentException(
                                    "traffic is http, tcp, mixed or otlp, not " + traffic);
                };
        return SimulatedRecords.of(
                record, traffic.equals("otlp") ? InputFormat.otlp : InputFormat.skywalking);
    }
}
