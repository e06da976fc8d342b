package io.meshflow.sim;

import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.ServiceMeshMetrics;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;

import java.nio.ByteBuffer;

/**
 * The simulated mesh as OpenTelemetry would report it (SPEC 1.3): each side of a {@link
 * MeshSimulator} request becomes a span of its reporter, so both formats describe the same
 * requests.
 *
 * <ul>
 *   <li>The request is the trace: its id gives the W3C trace id, the client's span id and each
 *       server attempt's span id (a redelivered side gives the same span again).
 *   <li>A client side is a CLIENT span of its caller's resource ({@code service.name}, {@code
 *       service.instance.id}) naming its callee by {@code peer.service}, or by {@code
 *       server.address} when the callee is outside the mesh. A server side is a SERVER span whose
 *       parent is the client span, or a trace root when the caller is outside the mesh.
 *   <li>HTTP endpoints ({@code GET:/path}) become {@code http.request.method} and {@code
 *       url.template} (CLIENT) or {@code http.route} (SERVER); gRPC ones ({@code /pkg.Svc/Method})
 *       {@code rpc.service} and {@code rpc.method}, so their endpoint is {@code pkg.Svc/Method}.
 *   <li>{@code http.response.status_code} is the response code; status ERROR where the side was not
 *       a success. Spans do not say whether mTLS was used.
 *   <li>A quarter of the requests (by trace id) also carry an INTERNAL span of the server's (or,
 *       without one, the client's) own work: counted in pipeline_stats.ignored_spans only.
 * </ul>
 */
public final class SpanRendering {
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final InstrumentationScope SCOPE =
            InstrumentationScope.newBuilder().setName("meshflow-simulator").build();

    private SpanRendering() {}

    /** One record with every span of the request, one resource spans per reporting side. */
    public static ExportTraceServiceRequest request(ServiceMeshMetrics request) {
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        HTTPServiceMeshMetric first = null;
        HTTPServiceMeshMetric firstServer = null;
        for (HTTPServiceMeshMetric side : request.getHttpMetrics().getMetricsList()) {
            out.addResourceSpans(reportedBy(side, span(side)));
            first = first == null ? side : first;
            if (firstServer == null && side.getDetectPoint() == DetectPoint.server) {
                firstServer = side;
            }
        }
        if (first != null && (traceLow(first) & 3) == 0) {
            HTTPServiceMeshMetric owner = firstServer != null ? firstServer : first;
            Span parent = span(owner);
            Span internal =
                    Span.newBuilder()
                            .setTraceId(parent.getTraceId())
                            .setSpanId(id(mix(traceLow(owner) ^ 0x1A7E)))
                            .setParentSpanId(parent.getSpanId())
                            .setKind(SpanKind.SPAN_KIND_INTERNAL)
                            .setName("work")
                            .setStartTimeUnixNano(parent.getStartTimeUnixNano())
                            .setEndTimeUnixNano(parent.getStartTimeUnixNano())
                            .build();
            out.addResourceSpans(reportedBy(owner, internal));
        }
        return out.build();
    }

    /** The span of one side. */
    static Span span(HTTPServiceMeshMetric side) {
        boolean client = side.getDetectPoint() != DetectPoint.server;
        long[] trace = traceId(side.getRequestId());
        long clientSpanId = mix(trace[1] ^ 0xC11E);
        Span.Builder span =
                Span.newBuilder()
                        .setTraceId(
                                ByteString.copyFrom(
                                        ByteBuffer.allocate(16)
                                                .putLong(trace[0])
                                                .putLong(trace[1])
                                                .array()))
                        .setKind(client ? SpanKind.SPAN_KIND_CLIENT : SpanKind.SPAN_KIND_SERVER)
                        .setStartTimeUnixNano(side.getStartTime() * NANOS_PER_MS)
                        .setEndTimeUnixNano(
                                (side.getStartTime() + side.getLatency()) * NANOS_PER_MS);
        if (client) {
            span.setSpanId(id(clientSpanId));
        } else {
            // each attempt its own span; a redelivery the same one
            span.setSpanId(id(mix(trace[1] ^ side.getStartTime() ^ 0x5E4E)));
            if (!side.getSourceServiceName().isEmpty()) {
                span.setParentSpanId(id(clientSpanId));
            }
        }
        String endpoint = side.getEndpoint();
        int colon = endpoint.indexOf(':');
        if (endpoint.startsWith("/") && endpoint.indexOf('/', 1) > 0) {
            int slash = endpoint.lastIndexOf('/');
            span.setName(endpoint.substring(1))
                    .addAttributes(text("rpc.system", "grpc"))
                    .addAttributes(text("rpc.service", endpoint.substring(1, slash)))
                    .addAttributes(text("rpc.method", endpoint.substring(slash + 1)));
        } else if (colon > 0) {
            String method = endpoint.substring(0, colon);
            String path = endpoint.substring(colon + 1);
            span.setName(client ? method : method + " " + path)
                    .addAttributes(text("http.request.method", method))
                    .addAttributes(text(client ? "url.template" : "http.route", path));
        } else {
            span.setName(endpoint);
        }
        if (client) {
            boolean inMesh = !side.getDestServiceInstance().isEmpty() || isMeshName(side);
            span.addAttributes(
                    text(inMesh ? "peer.service" : "server.address", side.getDestServiceName()));
        }
        if (side.getResponseCode() != 0) {
            span.addAttributes(integer("http.response.status_code", side.getResponseCode()));
        }
        if (!side.getStatus()) {
            span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }
        return span.build();
    }

    /** A callee outside the mesh is named by its address: it has no instances and a dot. */
    private static boolean isMeshName(HTTPServiceMeshMetric side) {
        return side.getDestServiceName().indexOf('.') < 0;
    }

    private static ResourceSpans reportedBy(HTTPServiceMeshMetric side, Span span) {
        boolean client = side.getDetectPoint() != DetectPoint.server;
        String service = client ? side.getSourceServiceName() : side.getDestServiceName();
        String instance = client ? side.getSourceServiceInstance() : side.getDestServiceInstance();
        Resource.Builder resource =
                Resource.newBuilder().addAttributes(text("service.name", service));
        if (!instance.isEmpty()) {
            resource.addAttributes(text("service.instance.id", instance));
        }
        return ResourceSpans.newBuilder()
                .setResource(resource)
                .addScopeSpans(ScopeSpans.newBuilder().setScope(SCOPE).addSpans(span))
                .build();
    }

    private static long traceLow(HTTPServiceMeshMetric side) {
        return traceId(side.getRequestId())[1];
    }

    /** The simulator's request ids are two hex longs joined by a dash; any other id is hashed. */
    private static long[] traceId(String requestId) {
        int dash = requestId.indexOf('-');
        try {
            return new long[] {
                Long.parseUnsignedLong(requestId.substring(0, dash), 16),
                Long.parseUnsignedLong(requestId.substring(dash + 1), 16)
            };
        } catch (RuntimeException e) {
            long h = mix(requestId.hashCode());
            return new long[] {h, mix(h)};
        }
    }

    /** 8 bytes, never all zero (an invalid id in OpenTelemetry). */
    private static ByteString id(long bits) {
        return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(bits == 0 ? 1 : bits).array());
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private static KeyValue text(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static KeyValue integer(String key, long value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setIntValue(value))
                .build();
    }
}
