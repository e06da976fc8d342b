package io.meshflow.job.testing;

import io.meshflow.decode.SideBatch;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.testing.Sides;

import static io.meshflow.job.testing.HandCheckedScenario.T0;

/** Input records of one side each, of calls from A (a-1) to B (b-1), 200 OK. */
public final class AbCalls {
    private AbCalls() {}

    /** One side, {@code start} ms after T0, as it would be read. */
    public static byte[] record(String requestId, boolean client, long start, int latency) {
        HTTPServiceMeshMetric metric =
                HTTPServiceMeshMetric.newBuilder()
                        .setRequestId(requestId)
                        .setDetectPoint(client ? DetectPoint.client : DetectPoint.server)
                        .setSourceServiceName("A")
                        .setDestServiceName("B")
                        .setSourceServiceInstance("a-1")
                        .setDestServiceInstance("b-1")
                        .setStartTime(T0 + start)
                        .setEndTime(T0 + start + latency)
                        .setLatency(latency)
                        .setResponseCode(200)
                        .setStatus(true)
                        .setEndpoint("GET:/items")
                        .build();
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(metric))
                .build()
                .toByteArray();
    }

    /** The same side decoded as a source decodes it. */
    public static SideBatch batch(String requestId, boolean client, long start, int latency) {
        return Sides.DECODER.decode(
                record(requestId, client, start, latency), "ab/" + requestId, T0);
    }
}
