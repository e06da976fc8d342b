package io.meshflow.job.sinks;

import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import com.google.protobuf.CodedOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A wide topology for measuring the database writers: every pair of {@value #SERVICES} services
 * calls, each service has {@value #INSTANCES} instances and {@value #ENDPOINTS} endpoints, one
 * request every {@value #SPACING_MS} ms of event time, both sides reported (one record each). The
 * simulator's narrow mesh gives few rows per side; this one gives about 0.7 rows in the tables per
 * side, as the wide mesh of issue 13 did, so the database writers rather than pairing decide the
 * job's speed. A pure function of the request number.
 */
final class WideMesh {
    static final int SERVICES = 24;
    static final int INSTANCES = 2;
    static final int ENDPOINTS = 4;
    static final long SPACING_MS = 50;

    private WideMesh() {}

    /** Writes {@code requests} requests (two records each) to {@code file} in SPEC 1.2's format. */
    static Path write(Path file, long requests) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream delimited = CodedOutputStream.newInstance(out);
            for (long n = 0; n < requests; n++) {
                for (DetectPoint point :
                        new DetectPoint[] {DetectPoint.client, DetectPoint.server}) {
                    byte[] record = record(n, point);
                    delimited.writeUInt32NoTag(record.length);
                    delimited.writeRawBytes(record);
                }
            }
            delimited.flush();
        }
        return file;
    }

    private static byte[] record(long n, DetectPoint point) {
        int source = (int) (n % SERVICES);
        int other = (int) ((n / SERVICES) % (SERVICES - 1));
        int dest = other >= source ? other + 1 : other;
        long mix = n * 0x9E3779B97F4A7C15L;
        int sourceInstance = (int) ((mix >>> 20) % INSTANCES);
        int destInstance = (int) ((mix >>> 30) % INSTANCES);
        int endpoint = (int) ((mix >>> 40) % ENDPOINTS);
        int latency = 1 + (int) ((mix >>> 8) % 400);
        boolean failed = (mix >>> 50) % 50 == 0;
        long start = MeshSimulator.DEFAULT_START + n * SPACING_MS;
        int serverLatency = Math.max(1, latency - 2);
        HTTPServiceMeshMetric side =
                HTTPServiceMeshMetric.newBuilder()
                        .setRequestId("w" + n)
                        .setDetectPoint(point)
                        .setStartTime(start)
                        .setEndTime(start + latency)
                        .setSourceServiceName("svc-" + source)
                        .setSourceServiceInstance("svc-" + source + "-" + sourceInstance)
                        .setDestServiceName("svc-" + dest)
                        .setDestServiceInstance("svc-" + dest + "-" + destInstance)
                        .setEndpoint("GET:/api/v1/op" + endpoint)
                        .setLatency(point == DetectPoint.client ? latency : serverLatency)
                        .setResponseCode(failed ? 503 : 200)
                        .setStatus(!failed)
                        .setTlsMode("mTLS")
                        .build();
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(side))
                .build()
                .toByteArray();
    }
}
