package io.meshflow.job.tools;

import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.proto.TCPServiceMeshMetric;
import io.meshflow.sim.SpanRendering;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;

import java.util.ArrayList;
import java.util.List;

/**
 * A simulated request (or TCP connection) as the records its reporters would publish, one record
 * per reporter: a {@code ServiceMeshMetrics} per side, or with {@code otlp} an {@code
 * ExportTraceServiceRequest} per reporting service instance (its spans, with its resource).
 */
public final class SimulatedRecords {
    private SimulatedRecords() {}

    public static List<byte[]> of(ServiceMeshMetrics request, InputFormat format) {
        List<byte[]> records = new ArrayList<>(4);
        if (format == InputFormat.otlp) {
            for (ResourceSpans spans : SpanRendering.request(request).getResourceSpansList()) {
                records.add(
                        ExportTraceServiceRequest.newBuilder()
                                .addResourceSpans(spans)
                                .build()
                                .toByteArray());
            }
            return records;
        }
        if (request.hasTcpMetrics()) {
            for (TCPServiceMeshMetric side : request.getTcpMetrics().getMetricsList()) {
                records.add(
                        ServiceMeshMetrics.newBuilder()
                                .setTcpMetrics(
                                        request.getTcpMetrics().toBuilder()
                                                .clearMetrics()
                                                .addMetrics(side))
                                .build()
                                .toByteArray());
            }
            return records;
        }
        for (HTTPServiceMeshMetric side : request.getHttpMetrics().getMetricsList()) {
            records.add(
                    ServiceMeshMetrics.newBuilder()
                            .setHttpMetrics(
                                    request.getHttpMetrics().toBuilder()
                                            .clearMetrics()
                                            .addMetrics(side))
                            .build()
                            .toByteArray());
        }
        return records;
    }
}
