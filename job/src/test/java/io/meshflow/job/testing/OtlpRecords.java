package io.meshflow.job.testing;

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

/**
 * OTLP records written by hand with the generated classes of opentelemetry-proto: one service
 * instance's spans per record, ids given as short hex strings (padded to 16 and 8 bytes).
 */
public final class OtlpRecords {
    private static final long NANOS_PER_MS = 1_000_000L;

    private final ResourceSpans.Builder resource = ResourceSpans.newBuilder();
    private final ScopeSpans.Builder scope =
            ScopeSpans.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName("meshflow-test"));

    private OtlpRecords(String service, String instance) {
        Resource.Builder r = Resource.newBuilder().addAttributes(text("service.name", service));
        if (!instance.isEmpty()) {
            r.addAttributes(text("service.instance.id", instance));
        }
        resource.setResource(r);
    }

    /** A record of spans reported by {@code instance} of {@code service}. */
    public static OtlpRecords of(String service, String instance) {
        return new OtlpRecords(service, instance);
    }

    /**
     * Adds a span of trace {@code trace}, id {@code spanId}, under {@code parentId} (null: a root),
     * from {@code startMs} for {@code latencyMs}; attributes are key, value pairs (an Integer value
     * is an int attribute).
     */
    public OtlpRecords span(
            SpanKind kind,
            String trace,
            String spanId,
            String parentId,
            long startMs,
            long latencyMs,
            boolean error,
            String name,
            Object... attributes) {
        Span.Builder span =
                Span.newBuilder()
                        .setTraceId(id(trace, 16))
                        .setSpanId(id(spanId, 8))
                        .setKind(kind)
                        .setName(name)
                        .setStartTimeUnixNano(startMs * NANOS_PER_MS)
                        .setEndTimeUnixNano((startMs + latencyMs) * NANOS_PER_MS);
        if (parentId != null) {
            span.setParentSpanId(id(parentId, 8));
        }
        if (error) {
            span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }
        for (int i = 0; i < attributes.length; i += 2) {
            String key = (String) attributes[i];
            Object value = attributes[i + 1];
            span.addAttributes(
                    value instanceof Integer n
                            ? KeyValue.newBuilder()
                                    .setKey(key)
                                    .setValue(AnyValue.newBuilder().setIntValue(n))
                                    .build()
                            : text(key, (String) value));
        }
        scope.addSpans(span);
        return this;
    }

    public byte[] toByteArray() {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(resource.clone().addScopeSpans(scope))
                .build()
                .toByteArray();
    }

    private static KeyValue text(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    /** A hex id, left-padded with zeros to {@code bytes} bytes. */
    private static ByteString id(String hex, int bytes) {
        String padded = "0".repeat(2 * bytes - hex.length()) + hex;
        byte[] id = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            id[i] = (byte) Integer.parseInt(padded.substring(2 * i, 2 * i + 2), 16);
        }
        return ByteString.copyFrom(id);
    }
}
