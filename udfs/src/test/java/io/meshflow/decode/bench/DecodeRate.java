package io.meshflow.decode.bench;

import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.otlp.SpanDecoder;
import io.meshflow.decode.skywalking.SideDecoder;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.Protocol;
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
import io.opentelemetry.proto.trace.v1.Status;

import java.time.Duration;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * How fast one thread decodes input records of each format: OTLP spans per second ({@link
 * SpanDecoder}) next to SkyWalking sides per second ({@link SideDecoder}), on comparable records
 * (the same number of reports per record, the names and attributes real instrumentations send). A
 * main, not a test: its figures depend on the machine.
 *
 * <pre>
 * ./mvnw -B -ntp -q -pl udfs test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp udfs/target/test-classes:udfs/target/classes:$(cat udfs/target/test-classpath.txt) \
 *     io.meshflow.decode.bench.DecodeRate [spans per record, default 64] [seconds per round, 5]
 * </pre>
 */
public final class DecodeRate {
    /**
     * Records read "at" fixed or zero times: a century of max-ahead keeps every test side valid.
     */
    private static final SpanDecoder SPANS =
            new SpanDecoder(new SideChecks(Duration.ofDays(36_500)));

    private static final SideDecoder SKYWALKING =
            new SideDecoder(new SideChecks(Duration.ofDays(36_500)));

    private static final String[] SERVICES = {
        "frontend", "checkout", "cart", "payments", "shipping", "catalog", "currency", "email"
    };
    private static final String[] ROUTES = {
        "/api/orders/{id}", "/api/cart", "/api/products/{sku}", "/charge", "/quote", "/convert"
    };
    private static final long T0 = 1_767_261_600_000L;
    private static final int RECORDS = 2_000;

    private DecodeRate() {}

    public static void main(String[] args) {
        int perRecord = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[][] otlp = new byte[RECORDS][];
        byte[][] skyWalking = new byte[RECORDS][];
        Random random = new Random(42);
        long otlpBytes = 0;
        long skyWalkingBytes = 0;
        for (int i = 0; i < RECORDS; i++) {
            otlp[i] = otlpRecord(random, perRecord, i);
            skyWalking[i] = skyWalkingRecord(random, perRecord, i);
            otlpBytes += otlp[i].length;
            skyWalkingBytes += skyWalking[i].length;
        }
        System.out.printf(
                "%d records of %d reports each; mean record: OTLP %d bytes, SkyWalking %d bytes%n",
                RECORDS, perRecord, otlpBytes / RECORDS, skyWalkingBytes / RECORDS);

        ToIntFunction<byte[]> spans =
                r -> {
                    SideBatch b = SPANS.decode(r, "bench", 0L);
                    return b.sides.length + b.ignoredSpanStarts.length + b.deadLetters.length;
                };
        ToIntFunction<byte[]> sides =
                r -> {
                    SideBatch b = SKYWALKING.decode(r, "bench", 0L);
                    return b.sides.length + b.deadLetters.length;
                };
        // alternate rounds so that neither format profits from a warmer JVM alone
        for (int round = 0; round < 3; round++) {
            String label = round == 0 ? "warm-up" : "round " + round;
            System.out.printf(
                    "%-8s OTLP %,12.0f spans/s   SkyWalking %,12.0f sides/s%n",
                    label, rate(otlp, spans, seconds), rate(skyWalking, sides, seconds));
        }
    }

    /** Reports decoded per second, decoding the records over and over for about that long. */
    private static double rate(byte[][] records, ToIntFunction<byte[]> decode, int seconds) {
        long reports = 0;
        long start = System.nanoTime();
        long until = start + seconds * 1_000_000_000L;
        long now;
        do {
            for (byte[] record : records) {
                reports += decode.applyAsInt(record);
            }
            now = System.nanoTime();
        } while (now < until);
        return reports * 1e9 / (now - start);
    }

    /**
     * What the Collector's Kafka exporter writes: spans of a few services, each under its own
     * resource and instrumentation scope; 40% CLIENT, 40% SERVER, 20% INTERNAL.
     */
    static byte[] otlpRecord(Random random, int spans, int n) {
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        int services = 4;
        for (int s = 0; s < services; s++) {
            String service = SERVICES[(n + s) % SERVICES.length];
            ScopeSpans.Builder http =
                    ScopeSpans.newBuilder()
                            .setScope(
                                    InstrumentationScope.newBuilder()
                                            .setName("io.opentelemetry.netty-4.1")
                                            .setVersion("2.20.0-alpha"))
                            .setSchemaUrl("https://opentelemetry.io/schemas/1.37.0");
            for (int i = s; i < spans; i += services) {
                http.addSpans(span(random, service, i % 5));
            }
            request.addResourceSpans(
                    ResourceSpans.newBuilder()
                            .setResource(resource(service, random.nextInt(3)))
                            .addScopeSpans(http)
                            .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0"));
        }
        return request.build().toByteArray();
    }

    private static Resource resource(String service, int pod) {
        return Resource.newBuilder()
                .addAttributes(text("service.name", service))
                .addAttributes(text("service.version", "1.4.2"))
                .addAttributes(text("service.namespace", "shop"))
                .addAttributes(text("service.instance.id", service + "-7f9c6d5b8-" + pod))
                .addAttributes(text("k8s.pod.name", service + "-7f9c6d5b8-" + pod))
                .addAttributes(text("k8s.namespace.name", "shop"))
                .addAttributes(text("k8s.node.name", "node-" + pod))
                .addAttributes(text("host.name", service + "-7f9c6d5b8-" + pod))
                .addAttributes(text("telemetry.sdk.name", "opentelemetry"))
                .addAttributes(text("telemetry.sdk.language", "java"))
                .addAttributes(text("telemetry.sdk.version", "1.68.0"))
                .addAttributes(text("process.runtime.name", "OpenJDK Runtime Environment"))
                .build();
    }

    private static Span span(Random random, String service, int shape) {
        long start = (T0 + random.nextInt(60_000)) * 1_000_000L + random.nextInt(1_000_000);
        long duration = (1 + random.nextInt(300)) * 1_000_000L + random.nextInt(1_000_000);
        byte[] traceId = new byte[16];
        byte[] spanId = new byte[8];
        byte[] parentId = new byte[8];
        random.nextBytes(traceId);
        random.nextBytes(spanId);
        random.nextBytes(parentId);
        String route = ROUTES[random.nextInt(ROUTES.length)];
        int code = random.nextInt(50) == 0 ? 503 : 200;
        Span.Builder span =
                Span.newBuilder()
                        .setTraceId(ByteString.copyFrom(traceId))
                        .setSpanId(ByteString.copyFrom(spanId))
                        .setParentSpanId(ByteString.copyFrom(parentId))
                        .setFlags(0x101)
                        .setStartTimeUnixNano(start)
                        .setEndTimeUnixNano(start + duration);
        if (shape < 2) {
            String peer = SERVICES[random.nextInt(SERVICES.length)];
            span.setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setName("GET")
                    .addAttributes(text("http.request.method", "GET"))
                    .addAttributes(text("url.full", "http://" + peer + ":8080" + route))
                    .addAttributes(text("url.template", route))
                    .addAttributes(text("server.address", peer))
                    .addAttributes(number("server.port", 8080))
                    .addAttributes(text("network.protocol.version", "1.1"))
                    .addAttributes(number("http.response.status_code", code))
                    .addAttributes(text("thread.name", "reactor-http-epoll-3"));
        } else if (shape < 4) {
            span.setKind(Span.SpanKind.SPAN_KIND_SERVER)
                    .setName("GET " + route)
                    .addAttributes(text("http.request.method", "GET"))
                    .addAttributes(text("http.route", route))
                    .addAttributes(text("url.path", route.replace("{id}", "1234")))
                    .addAttributes(text("url.scheme", "http"))
                    .addAttributes(text("server.address", service))
                    .addAttributes(number("server.port", 8080))
                    .addAttributes(text("client.address", "10.0.3.17"))
                    .addAttributes(text("user_agent.original", "Java-http-client/21.0.5"))
                    .addAttributes(text("network.protocol.version", "1.1"))
                    .addAttributes(number("http.response.status_code", code));
        } else {
            span.setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                    .setName("OrderService.validate")
                    .addAttributes(text("code.function.name", "validate"))
                    .addAttributes(text("thread.name", "worker-7"));
        }
        if (code >= 500) {
            span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }
        return span.build();
    }

    /** The same calls as SkyWalking sides: what a mesh's sidecars report. */
    static byte[] skyWalkingRecord(Random random, int sides, int n) {
        HTTPServiceMeshMetrics.Builder metrics = HTTPServiceMeshMetrics.newBuilder();
        for (int i = 0; i < sides; i++) {
            String source = SERVICES[(n + i) % SERVICES.length];
            String dest = SERVICES[random.nextInt(SERVICES.length)];
            String route = ROUTES[random.nextInt(ROUTES.length)];
            long start = T0 + random.nextInt(60_000);
            int latency = 1 + random.nextInt(300);
            int code = random.nextInt(50) == 0 ? 503 : 200;
            int pod = random.nextInt(3);
            metrics.addMetrics(
                    HTTPServiceMeshMetric.newBuilder()
                            .setStartTime(start)
                            .setEndTime(start + latency)
                            .setSourceServiceName(source)
                            .setSourceServiceInstance(source + "-7f9c6d5b8-" + pod)
                            .setDestServiceName(dest)
                            .setDestServiceInstance(dest + "-7f9c6d5b8-" + pod)
                            .setEndpoint("GET:" + route)
                            .setLatency(latency)
                            .setResponseCode(code)
                            .setStatus(code < 500)
                            .setProtocol(Protocol.HTTP)
                            .setDetectPoint(i % 2 == 0 ? DetectPoint.client : DetectPoint.server)
                            .setTlsMode("mTLS")
                            .setInternalRequestLatencyNanos(180_000)
                            .setInternalResponseLatencyNanos(95_000)
                            .setRequestId(Long.toHexString(random.nextLong())));
        }
        return ServiceMeshMetrics.newBuilder().setHttpMetrics(metrics).build().toByteArray();
    }

    private static KeyValue text(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static KeyValue number(String key, long value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setIntValue(value))
                .build();
    }
}
