package io.meshflow.decode.otlp;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
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
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-made OTLP records, one rule of SPEC 1.3 at a time. */
class SpanDecoderTest {
    /**
     * Records read "at" fixed or zero times: a century of max-ahead keeps every test side valid.
     */
    private static final SpanDecoder SPANS =
            new SpanDecoder(new SideChecks(Duration.ofDays(36_500)));

    /** 2026-01-01T10:00:01Z in ns. */
    private static final long START = 1_767_261_601_000_000_000L;

    private static final long MS = 1_000_000L;

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CLIENT_SPAN = "b7ad6b7169203331";
    private static final String SERVER_SPAN = "00f067aa0ba902b7";

    private static ByteString id(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return ByteString.copyFrom(bytes);
    }

    private static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static KeyValue attribute(String key, long value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setIntValue(value))
                .build();
    }

    private static Span.Builder span(SpanKind kind, String spanId, String parentId) {
        Span.Builder span =
                Span.newBuilder()
                        .setTraceId(id(TRACE))
                        .setSpanId(id(spanId))
                        .setName("a span name")
                        .setKind(kind)
                        .setStartTimeUnixNano(START)
                        .setEndTimeUnixNano(START + 12 * MS + 345);
        if (parentId != null) {
            span.setParentSpanId(id(parentId));
        }
        return span;
    }

    private static Span.Builder client() {
        return span(SpanKind.SPAN_KIND_CLIENT, CLIENT_SPAN, "1111111111111111");
    }

    private static Span.Builder server() {
        return span(SpanKind.SPAN_KIND_SERVER, SERVER_SPAN, CLIENT_SPAN);
    }

    private static Resource resource(String service, KeyValue... more) {
        Resource.Builder resource = Resource.newBuilder();
        if (service != null) {
            resource.addAttributes(attribute("service.name", service));
        }
        for (KeyValue attribute : more) {
            resource.addAttributes(attribute);
        }
        return resource.build();
    }

    private static ResourceSpans.Builder resourceSpans(Resource resource, Span.Builder... spans) {
        ScopeSpans.Builder scope =
                ScopeSpans.newBuilder()
                        .setScope(
                                InstrumentationScope.newBuilder()
                                        .setName("io.opentelemetry.okhttp-3.0")
                                        .setVersion("2.20.0"))
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.37.0");
        for (Span.Builder span : spans) {
            scope.addSpans(span);
        }
        return ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope);
    }

    private static byte[] record(ResourceSpans.Builder... resourceSpans) {
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        for (ResourceSpans.Builder r : resourceSpans) {
            request.addResourceSpans(r);
        }
        return request.build().toByteArray();
    }

    private static Side decodeOne(Resource resource, Span.Builder span) {
        SideBatch batch = SPANS.decode(record(resourceSpans(resource, span)), "o", 1L);
        assertThat(batch.deadLetters).isEmpty();
        assertThat(batch.sides).hasSize(1);
        return batch.sides[0];
    }

    @Test
    void aClientSpanNamesItsCalleeByPeerServiceFirst() {
        Side side =
                decodeOne(
                        resource("reviews", attribute("service.instance.id", "reviews-1")),
                        client().addAttributes(attribute("server.address", "10.0.0.7"))
                                .addAttributes(attribute("peer.service", "ratings")));

        assertThat(side.client).isTrue();
        assertThat(side.keyedByRequestId).isTrue();
        assertThat(side.requestId).isEqualTo(TRACE + "-" + CLIENT_SPAN);
        assertThat(side.spanId).isEqualTo(Long.parseUnsignedLong(CLIENT_SPAN, 16));
        assertThat(side.sourceService).isEqualTo("reviews");
        assertThat(side.sourceInstance).isEqualTo("reviews-1");
        assertThat(side.destService).isEqualTo("ratings");
        assertThat(side.destInstance).isEmpty();
        assertThat(side.endpoint).isEqualTo("a span name");
        assertThat(side.tlsMode).isEmpty();
        assertThat(side.startTime).isEqualTo(START / MS);
        assertThat(side.latency).isEqualTo(12);
        assertThat(side.responseCode).isZero();
        assertThat(side.success).isTrue();
        assertThat(side.index).isZero();
        assertThat(side.late).isFalse();
    }

    @Test
    void aClientSpanWithoutPeerServiceNamesItsCalleeByServerAddress() {
        Side side =
                decodeOne(
                        resource("reviews"),
                        client().addAttributes(attribute("server.address", "ratings.default")));
        assertThat(side.destService).isEqualTo("ratings.default");
    }

    @Test
    void aClientSpanThatNamesNoCalleeCallsUnknown() {
        Side side = decodeOne(resource("reviews"), client());
        assertThat(side.destService).isEqualTo("unknown");
    }

    @Test
    void instancesComeFromTheResourceInOrderOfPreference() {
        KeyValue host = attribute("host.name", "node-3");
        KeyValue pod = attribute("k8s.pod.name", "reviews-5d8b-x2");
        KeyValue instance = attribute("service.instance.id", "627cc493");
        assertThat(decodeOne(resource("reviews", host, pod, instance), client()).sourceInstance)
                .isEqualTo("627cc493");
        assertThat(decodeOne(resource("reviews", host, pod), client()).sourceInstance)
                .isEqualTo("reviews-5d8b-x2");
        assertThat(decodeOne(resource("reviews", host), client()).sourceInstance)
                .isEqualTo("node-3");
        assertThat(decodeOne(resource("reviews"), client()).sourceInstance).isEmpty();
        assertThat(decodeOne(resource("ratings", host, pod), server()).destInstance)
                .isEqualTo("reviews-5d8b-x2");
    }

    @Test
    void aServerSpanIsKeyedByItsParentAndDoesNotNameItsCaller() {
        Side side =
                decodeOne(
                        resource("ratings", attribute("k8s.pod.name", "ratings-v1-abc")),
                        server().addAttributes(attribute("http.request.method", "GET"))
                                .addAttributes(attribute("http.route", "/ratings/{id}"))
                                .addAttributes(attribute("http.response.status_code", 503))
                                .setStatus(
                                        Status.newBuilder()
                                                .setCode(Status.StatusCode.STATUS_CODE_ERROR)));

        assertThat(side.client).isFalse();
        assertThat(side.requestId).isEqualTo(TRACE + "-" + CLIENT_SPAN);
        assertThat(side.spanId).isEqualTo(Long.parseUnsignedLong(SERVER_SPAN, 16));
        assertThat(side.sourceService).isEmpty();
        assertThat(side.sourceInstance).isEmpty();
        assertThat(side.destService).isEqualTo("ratings");
        assertThat(side.destInstance).isEqualTo("ratings-v1-abc");
        assertThat(side.endpoint).isEqualTo("GET:/ratings/{id}");
        assertThat(side.responseCode).isEqualTo(503);
        assertThat(side.success).isFalse();
    }

    @Test
    void aTraceRootServerSpanIsASideThatIsNeverPaired() {
        Side side =
                decodeOne(resource("gateway"), span(SpanKind.SPAN_KIND_SERVER, SERVER_SPAN, null));
        assertThat(side.requestId).isEmpty();
        assertThat(side.keyedByRequestId).isTrue();
        assertThat(side.destService).isEqualTo("gateway");

        Side zeroParent =
                decodeOne(
                        resource("gateway"),
                        span(SpanKind.SPAN_KIND_SERVER, SERVER_SPAN, "0000000000000000"));
        assertThat(zeroParent.requestId).as("an all-zero id is no id").isEmpty();
    }

    @Test
    void aRetrySpanSharesTheKeyButNotTheFingerprintWhileARedeliveryIsTheSameSide() {
        Resource ratings = resource("ratings", attribute("service.instance.id", "ratings-1"));
        byte[] attempts =
                record(
                        resourceSpans(
                                ratings,
                                server(),
                                // the retry: same parent, same ms, same instance, another span
                                span(SpanKind.SPAN_KIND_SERVER, "00f067aa0ba902b8", CLIENT_SPAN)));
        SideBatch batch = SPANS.decode(attempts, "o", 1L);
        Side first = batch.sides[0];
        Side retry = batch.sides[1];
        assertThat(retry.requestId).isEqualTo(first.requestId);
        assertThat(retry.startTime).isEqualTo(first.startTime);
        assertThat(retry.fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(retry.sameReportAs(first)).isFalse();

        Side redelivered = SPANS.decode(record(resourceSpans(ratings, server())), "p", 2L).sides[0];
        assertThat(redelivered.requestId).isEqualTo(first.requestId);
        assertThat(redelivered.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(redelivered.sameReportAs(first)).isTrue();
    }

    @Test
    void spansThatAreNotCallsAreOnlyCountedInTheMinuteOfTheirStart() {
        byte[] payload =
                record(
                        resourceSpans(
                                resource("reviews"),
                                span(SpanKind.SPAN_KIND_INTERNAL, "0000000000000001", null),
                                span(SpanKind.SPAN_KIND_PRODUCER, "0000000000000002", null)
                                        .setStartTimeUnixNano(START + 61_000 * MS + 999_999),
                                client(),
                                span(SpanKind.SPAN_KIND_CONSUMER, "0000000000000003", null)
                                        .setStartTimeUnixNano(START + 2 * MS),
                                span(SpanKind.SPAN_KIND_UNSPECIFIED, "0000000000000004", null)
                                        .setStartTimeUnixNano(START + 3 * MS)));

        SideBatch batch = SPANS.decode(payload, "o", 1L);

        assertThat(batch.ignoredSpanStarts)
                .containsExactly(START / MS, START / MS + 61_000, START / MS + 2, START / MS + 3);
        assertThat(batch.sides)
                .singleElement()
                .satisfies(side -> assertThat(side.index).isEqualTo(2));
        assertThat(batch.deadLetters).isEmpty();
    }

    @Test
    void aRecordWithoutIgnoredSpansSharesOneEmptyArray() {
        SideBatch one = SPANS.decode(record(resourceSpans(resource("a"), client())), "o", 1L);
        SideBatch two = SPANS.decode(record(resourceSpans(resource("b"), server())), "o", 1L);
        assertThat(one.ignoredSpanStarts).isEmpty();
        assertThat(one.ignoredSpanStarts).isSameAs(two.ignoredSpanStarts);
    }

    @Test
    void theOlderHttpAttributeNamesAreRead() {
        Side side =
                decodeOne(
                        resource("ratings"),
                        server().addAttributes(attribute("http.method", "POST"))
                                .addAttributes(attribute("http.route", "/ratings"))
                                .addAttributes(attribute("http.status_code", 201)));
        assertThat(side.endpoint).isEqualTo("POST:/ratings");
        assertThat(side.responseCode).isEqualTo(201);

        Side both =
                decodeOne(
                        resource("ratings"),
                        server().addAttributes(attribute("http.method", "POST"))
                                .addAttributes(attribute("http.request.method", "PUT"))
                                .addAttributes(attribute("http.route", "/ratings"))
                                .addAttributes(attribute("http.status_code", "201"))
                                .addAttributes(attribute("http.response.status_code", 204)));
        assertThat(both.endpoint).as("the current name wins").isEqualTo("PUT:/ratings");
        assertThat(both.responseCode).isEqualTo(204);

        Side asString =
                decodeOne(
                        resource("ratings"),
                        server().addAttributes(attribute("http.status_code", "404")));
        assertThat(asString.responseCode).isEqualTo(404);
    }

    @Test
    void endpointsFollowTheConventionsOfEachKindOfCall() {
        Resource r = resource("reviews");
        assertThat(
                        decodeOne(
                                        r,
                                        client().addAttributes(
                                                        attribute("http.request.method", "GET"))
                                                .addAttributes(
                                                        attribute("url.template", "/items/{id}")))
                                .endpoint)
                .isEqualTo("GET:/items/{id}");
        assertThat(
                        decodeOne(r, client().addAttributes(attribute("url.template", "/items")))
                                .endpoint)
                .as("no method: no method and no colon")
                .isEqualTo("/items");
        assertThat(
                        decodeOne(
                                        r,
                                        client().addAttributes(
                                                        attribute("http.request.method", "GET"))
                                                .addAttributes(attribute("http.route", "/items")))
                                .endpoint)
                .as("http.route is the server's, not the client's")
                .isEqualTo("a span name");
        assertThat(
                        decodeOne(r, server().addAttributes(attribute("url.template", "/items")))
                                .endpoint)
                .as("url.template is the client's, not the server's")
                .isEqualTo("a span name");
        assertThat(
                        decodeOne(
                                        r,
                                        server().addAttributes(
                                                        attribute(
                                                                "rpc.service",
                                                                "hipstershop.CartService"))
                                                .addAttributes(attribute("rpc.method", "GetCart")))
                                .endpoint)
                .isEqualTo("hipstershop.CartService/GetCart");
        assertThat(
                        decodeOne(r, client().addAttributes(attribute("rpc.method", "GetCart")))
                                .endpoint)
                .isEqualTo("GetCart");
    }

    @Test
    void timesAreMillisecondsRoundedDownAndLatencyIsTheSpansOwnDuration() {
        Side side =
                decodeOne(
                        resource("reviews"),
                        client().setStartTimeUnixNano(START + 999_999)
                                .setEndTimeUnixNano(START + 999_999 + 4 * MS + 999_999));
        assertThat(side.startTime).isEqualTo(START / MS);
        assertThat(side.latency)
                .as("4.999999 ms, though the ms of start and end differ by 5")
                .isEqualTo(4);
    }

    @Test
    void statusOkAndUnsetAreSuccess() {
        assertThat(
                        decodeOne(
                                        resource("a"),
                                        client().setStatus(
                                                        Status.newBuilder()
                                                                .setCode(
                                                                        Status.StatusCode
                                                                                .STATUS_CODE_OK)))
                                .success)
                .isTrue();
        assertThat(decodeOne(resource("a"), client()).success).isTrue();
    }

    @Test
    void spansThatCannotBeSidesAreDeadLettersHoldingJustThatSpanWithItsResourceAndScope() {
        Resource reviews = resource("reviews", attribute("host.name", "node-1"));
        Span.Builder endsBeforeItStarts = client().setEndTimeUnixNano(START - 1);
        Span.Builder noStart = server().setStartTimeUnixNano(0);
        ResourceSpans.Builder first =
                resourceSpans(
                        reviews,
                        span(SpanKind.SPAN_KIND_INTERNAL, "0000000000000001", null),
                        endsBeforeItStarts);
        first.setSchemaUrl("https://opentelemetry.io/schemas/1.26.0");
        ResourceSpans.Builder second = resourceSpans(resource("ratings"), server(), noStart);
        ResourceSpans.Builder nameless = resourceSpans(resource(null), server());

        SideBatch batch = SPANS.decode(record(first, second, nameless), "t/1/9", 5L);

        assertThat(batch.sides).singleElement().satisfies(s -> assertThat(s.index).isEqualTo(2));
        assertThat(batch.ignoredSpanStarts).hasSize(1);
        assertThat(batch.deadLetters).hasSize(3);

        DeadLetter negative = batch.deadLetters[0];
        assertThat(negative.id).startsWith("t/1/9#1~");
        assertThat(negative.reason).isEqualTo("negative-latency");
        assertThat(negative.origin).isEqualTo("t/1/9");
        assertThat(negative.receivedAt).isEqualTo(5L);
        assertThat(parse(negative.payload))
                .isEqualTo(
                        ExportTraceServiceRequest.newBuilder()
                                .addResourceSpans(
                                        ResourceSpans.newBuilder()
                                                .setResource(reviews)
                                                .setSchemaUrl(
                                                        "https://opentelemetry.io/schemas/1.26.0")
                                                .addScopeSpans(
                                                        first.getScopeSpans(0).toBuilder()
                                                                .clearSpans()
                                                                .addSpans(endsBeforeItStarts)))
                                .build());

        DeadLetter missingStart = batch.deadLetters[1];
        assertThat(missingStart.id).startsWith("t/1/9#3~");
        assertThat(missingStart.reason).isEqualTo("missing-start-time");
        ExportTraceServiceRequest kept = parse(missingStart.payload);
        assertThat(kept.getResourceSpans(0).getResource()).isEqualTo(resource("ratings"));
        assertThat(kept.getResourceSpans(0).getScopeSpans(0).getScope().getName())
                .isEqualTo("io.opentelemetry.okhttp-3.0");
        assertThat(kept.getResourceSpans(0).getScopeSpans(0).getSpansList())
                .containsExactly(noStart.build());

        DeadLetter noService = batch.deadLetters[2];
        assertThat(noService.id).startsWith("t/1/9#4~");
        assertThat(noService.reason).isEqualTo("missing-dest-service");
        assertThat(parse(noService.payload).getResourceSpans(0).getScopeSpans(0).getSpans(0))
                .isEqualTo(server().build());
    }

    @Test
    void aRecordThatDoesNotDecodeIsOneDeadLetterWithItsBytes() {
        byte[] garbage = {0x0a, 0x7f, 0x01, 0x02};
        SideBatch batch = SPANS.decode(garbage, "t/0/3", 9L);

        assertThat(batch.sides).isEmpty();
        assertThat(batch.deadLetters)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.id).startsWith("t/0/3~");
                            assertThat(d.reason).startsWith("undecodable: ");
                            assertThat(d.payload).isEqualTo(garbage);
                            assertThat(d.receivedAt).isEqualTo(9L);
                        });
    }

    @Test
    void anEmptyRecordIsADeadLetter() {
        for (byte[] empty :
                new byte[][] {
                    new byte[0],
                    record(ResourceSpans.newBuilder().setResource(resource("reviews"))),
                    record(resourceSpans(resource("reviews")))
                }) {
            SideBatch batch = SPANS.decode(empty, "t/0/4", 9L);
            assertThat(batch.sides).isEmpty();
            assertThat(batch.deadLetters)
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.id).startsWith("t/0/4~");
                                assertThat(d.reason).isEqualTo("empty");
                                assertThat(d.payload).isEqualTo(empty);
                            });
        }
    }

    @Test
    void aLateSidesDeadLetterHoldsItsSpanWithResourceAndScope() {
        Resource ratings = resource("ratings");
        SideBatch batch =
                SPANS.decode(
                        record(
                                resourceSpans(resource("reviews"), client()),
                                resourceSpans(
                                        ratings,
                                        span(SpanKind.SPAN_KIND_INTERNAL, "0000000000000001", null),
                                        server())),
                        "t/2/8",
                        1L);
        Side server = batch.sides[1];
        assertThat(server.index).isEqualTo(2);

        DeadLetter late = SPANS.lateDeadLetter(batch, server);

        assertThat(late.id).startsWith("t/2/8#2/late~");
        assertThat(late.reason).isEqualTo("late");
        assertThat(late.origin).isEqualTo("t/2/8");
        ExportTraceServiceRequest kept = parse(late.payload);
        assertThat(kept.getResourceSpansCount()).isEqualTo(1);
        assertThat(kept.getResourceSpans(0).getResource()).isEqualTo(ratings);
        assertThat(kept.getResourceSpans(0).getScopeSpans(0).getScope().getVersion())
                .isEqualTo("2.20.0");
        assertThat(kept.getResourceSpans(0).getScopeSpans(0).getSpansList())
                .containsExactly(server().build());
    }

    /** A message's fields in reverse order: valid protobuf, though no SDK writes it so. */
    @Test
    void theChecksEveryFormatSharesApplyToSpans() {
        SpanDecoder decoder = new SpanDecoder(new SideChecks(Duration.ofMinutes(15)));
        long now = START / MS;
        byte[] record =
                record(
                        resourceSpans(
                                resource("checkout"),
                                client().setStartTimeUnixNano(START).setEndTimeUnixNano(START + MS),
                                client().setSpanId(id("0000000000000002"))
                                        .setStartTimeUnixNano(START + 20 * 60_000 * MS)
                                        .setEndTimeUnixNano(START + 20 * 60_000 * MS + MS)),
                        resourceSpans(resource("pay\u0000ments"), server()));

        SideBatch batch = decoder.decode(record, "o", now);

        assertThat(batch.sides).hasSize(1);
        assertThat(batch.deadLetters)
                .extracting(d -> d.reason)
                .containsExactly(SideChecks.FUTURE_START_TIME, SideChecks.INVALID_NAME);
        Side longNamed = decodeOne(resource("s".repeat(600)), server());
        assertThat(longNamed.destService).isEqualTo("s".repeat(512));
    }

    private static byte[] reversed(byte[] message) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        List<byte[]> fields = new ArrayList<>();
        int start = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            in.skipField(tag);
            fields.add(Arrays.copyOfRange(message, start, in.getTotalBytesRead()));
            start = in.getTotalBytesRead();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = fields.size() - 1; i >= 0; i--) {
            out.write(fields.get(i));
        }
        return out.toByteArray();
    }

    private static byte[] field(int number, byte[]... parts) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.write(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        o.writeByteArray(number, content.toByteArray());
        o.flush();
        return out.toByteArray();
    }

    @Test
    void fieldsInAnyOrderMakeTheSameSide() throws IOException {
        Resource ratings = resource("ratings", attribute("service.instance.id", "ratings-1"));
        Span.Builder span =
                server().addAttributes(attribute("http.request.method", "GET"))
                        .addAttributes(attribute("http.route", "/ratings/{id}"))
                        .addAttributes(attribute("http.response.status_code", 500))
                        .setStatus(
                                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        ResourceSpans.Builder inOrder = resourceSpans(ratings, span);
        ScopeSpans scopeSpans = inOrder.getScopeSpans(0);
        // spans before their scope, scope spans before their resource, attributes before the kind
        byte[] shuffled =
                field(
                        1,
                        field(
                                2,
                                field(2, reversed(span.build().toByteArray())),
                                field(1, scopeSpans.getScope().toByteArray())),
                        field(1, reversed(ratings.toByteArray())));

        SideBatch expected = SPANS.decode(record(inOrder), "o", 1L);
        SideBatch actual = SPANS.decode(shuffled, "o", 1L);

        assertThat(actual.sides).hasSize(1);
        assertThat(actual.sides[0]).usingRecursiveComparison().isEqualTo(expected.sides[0]);
        assertThat(actual.sides[0].success).isFalse();
        assertThat(parse(SPANS.lateDeadLetter(actual, actual.sides[0]).payload))
                .as("the record held just that span, with its resource and scope")
                .isEqualTo(parse(shuffled));
    }

    @Test
    void aNameThatIsNotUtf8MakesTheRecordUndecodableOnlyWhereASideReadsIt() throws IOException {
        byte[] notUtf8 = {(byte) 0xc3, 0x28};
        byte[] scopeSpans = field(2, field(2, server().build().toByteArray()));
        byte[] badServiceName =
                field(
                        1,
                        field(1, field(1, "service.name".getBytes()), field(2, field(1, notUtf8))));
        SideBatch bad = SPANS.decode(field(1, badServiceName, scopeSpans), "o", 1L);
        assertThat(bad.sides).isEmpty();
        assertThat(bad.deadLetters)
                .singleElement()
                .satisfies(d -> assertThat(d.reason).startsWith("undecodable: "));

        // an attribute no side reads is passed over unread, like the span's events and links
        byte[] badUserAgent =
                field(
                        1,
                        resource("ratings").toByteArray(),
                        field(
                                1,
                                field(1, "user_agent.original".getBytes()),
                                field(2, field(1, notUtf8))));
        SideBatch fine = SPANS.decode(field(1, badUserAgent, scopeSpans), "o", 1L);
        assertThat(fine.sides)
                .singleElement()
                .satisfies(s -> assertThat(s.destService).isEqualTo("ratings"));
    }

    @Test
    void everyCutOrCorruptedRecordIsStillAccountedFor() {
        byte[] whole =
                record(
                        resourceSpans(
                                resource("reviews", attribute("host.name", "node-1")),
                                client().addAttributes(attribute("peer.service", "ratings")),
                                span(SpanKind.SPAN_KIND_INTERNAL, "0000000000000001", null)),
                        resourceSpans(
                                resource("ratings"),
                                server().addAttributes(attribute("http.route", "/r"))));
        for (int cut = 0; cut < whole.length; cut++) {
            assertAccountedFor(Arrays.copyOf(whole, cut));
        }
        for (int at = 0; at < whole.length; at++) {
            byte[] corrupted = whole.clone();
            corrupted[at] ^= (byte) 0xff;
            assertAccountedFor(corrupted);
        }
    }

    /** Decoding never throws, and every record ends as sides, ignored spans or dead letters. */
    private static void assertAccountedFor(byte[] record) {
        SideBatch batch = SPANS.decode(record, "o", 1L);
        assertThat(batch.sides.length + batch.ignoredSpanStarts.length + batch.deadLetters.length)
                .isPositive();
        for (DeadLetter deadLetter : batch.deadLetters) {
            assertThat(deadLetter.payload).isNotNull();
        }
    }

    private static ExportTraceServiceRequest parse(byte[] payload) {
        try {
            return ExportTraceServiceRequest.parseFrom(payload);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("a dead letter's payload does not decode", e);
        }
    }
}
