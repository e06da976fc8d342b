package io.meshflow.decode.otlp;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one input record of {@code --format otlp} (a serialized OTLP {@code
 * ExportTraceServiceRequest}) into sides, following SPEC 1.3: every CLIENT or SERVER span is a
 * side; spans of the other kinds are only counted ({@link SideBatch#ignoredSpanStarts}); what
 * cannot be used is a dead letter whose payload is an {@code ExportTraceServiceRequest} holding
 * just that span, with its resource and scope.
 *
 * <p>Sides are keyed by their request id alone ({@link Side#keyedByRequestId}): the hex trace id, a
 * dash and the hex id of the client span (for a SERVER span: its parent's id). A SERVER span
 * without a parent has an empty request id and is never paired.
 */
public final class SpanDecoder {

    public static final String UNDECODABLE = "undecodable";
    public static final String EMPTY = "empty";
    public static final String MISSING_START_TIME = "missing-start-time";
    public static final String MISSING_DEST_SERVICE = "missing-dest-service";

    /**
     * A span that ends before it starts: the reason SkyWalking sides with a negative latency get.
     */
    public static final String NEGATIVE_LATENCY = "negative-latency";

    public static final String LATE = "late";

    /** A CLIENT span's callee when it names neither {@code peer.service} nor its server address. */
    public static final String UNKNOWN_PEER = "unknown";

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SpanDecoder() {}

    /**
     * Decodes one record.
     *
     * @param origin where it came from (topic/partition/offset, file@byte offset): names its dead
     *     letters, with the span's position among all spans of the record ({@code origin#index})
     * @param receivedAt when it was read, ms since epoch
     */
    public static SideBatch decode(byte[] payload, String origin, long receivedAt) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            String why = e.getMessage() == null ? "" : ": " + firstLine(e.getMessage());
            return SideBatch.deadLetter(
                    new DeadLetter(origin, receivedAt, origin, UNDECODABLE + why, payload));
        }
        int spanCount = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                spanCount += scopeSpans.getSpansCount();
            }
        }
        if (spanCount == 0) {
            return SideBatch.deadLetter(new DeadLetter(origin, receivedAt, origin, EMPTY, payload));
        }

        Side[] sides = new Side[spanCount];
        int valid = 0;
        long[] ignored = null;
        int ignoredCount = 0;
        List<DeadLetter> deadLetters = null;
        int index = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            ResourceNames names = null;
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    int i = index++;
                    Span.SpanKind kind = span.getKind();
                    if (kind != Span.SpanKind.SPAN_KIND_CLIENT
                            && kind != Span.SpanKind.SPAN_KIND_SERVER) {
                        if (ignored == null) {
                            ignored = new long[spanCount - i];
                        }
                        ignored[ignoredCount++] = millis(span.getStartTimeUnixNano());
                        continue;
                    }
                    if (names == null) {
                        names = ResourceNames.of(resourceSpans.getResource());
                    }
                    boolean client = kind == Span.SpanKind.SPAN_KIND_CLIENT;
                    String invalid = validate(span, client, names);
                    if (invalid != null) {
                        if (deadLetters == null) {
                            deadLetters = new ArrayList<>(1);
                        }
                        deadLetters.add(
                                new DeadLetter(
                                        deadLetterId(origin, i),
                                        receivedAt,
                                        origin,
                                        invalid,
                                        justThisSpan(resourceSpans, scopeSpans, span)));
                    } else {
                        sides[valid++] = toSide(span, client, names, i);
                    }
                }
            }
        }
        if (valid < sides.length) {
            sides = Arrays.copyOf(sides, valid);
        }
        SideBatch batch =
                new SideBatch(
                        sides,
                        deadLetters == null
                                ? new DeadLetter[0]
                                : deadLetters.toArray(new DeadLetter[0]),
                        payload,
                        origin);
        if (ignored != null) {
            batch.ignoredSpanStarts =
                    ignoredCount == ignored.length ? ignored : Arrays.copyOf(ignored, ignoredCount);
        }
        return batch;
    }

    /** Why a CLIENT or SERVER span cannot be a side, or null when it can. */
    static String validate(Span span, boolean client, ResourceNames names) {
        if (span.getStartTimeUnixNano() == 0) {
            return MISSING_START_TIME;
        }
        // fixed64 on the wire: compared unsigned, as the protocol means them
        if (Long.compareUnsigned(span.getEndTimeUnixNano(), span.getStartTimeUnixNano()) < 0) {
            return NEGATIVE_LATENCY;
        }
        if (!client && names.service.isEmpty()) {
            // a SERVER span's destination is its own service; a CLIENT span's is never empty
            return MISSING_DEST_SERVICE;
        }
        return null;
    }

    static Side toSide(Span span, boolean client, ResourceNames names, int index) {
        SpanAttributes attributes = SpanAttributes.of(span);
        Side side = new Side();
        side.client = client;
        side.keyedByRequestId = true;
        side.spanId = idBits(span.getSpanId());
        if (client) {
            side.requestId = requestId(span.getTraceId(), span.getSpanId());
            side.sourceService = names.service;
            side.sourceInstance = names.instance;
            side.destService = callee(attributes);
            side.destInstance = "";
        } else {
            side.requestId = requestId(span.getTraceId(), span.getParentSpanId());
            side.sourceService = "";
            side.sourceInstance = "";
            side.destService = names.service;
            side.destInstance = names.instance;
        }
        side.endpoint = endpoint(span, client, attributes);
        side.tlsMode = "";
        side.startTime = millis(span.getStartTimeUnixNano());
        long latency =
                Long.divideUnsigned(
                        span.getEndTimeUnixNano() - span.getStartTimeUnixNano(), NANOS_PER_MILLI);
        // a span open for more than 24 days: the longest latency an int holds
        side.latency = (int) Math.min(latency, Integer.MAX_VALUE);
        side.responseCode = attributes.responseCode;
        side.success = span.getStatus().getCode() != Status.StatusCode.STATUS_CODE_ERROR;
        side.index = index;
        return side;
    }

    /** A CLIENT span knows its callee only by attributes. */
    private static String callee(SpanAttributes attributes) {
        if (!attributes.peerService.isEmpty()) {
            return attributes.peerService;
        }
        if (!attributes.serverAddress.isEmpty()) {
            return attributes.serverAddress;
        }
        return UNKNOWN_PEER;
    }

    /**
     * The HTTP route (SERVER) or URL template (CLIENT) with its method, else the RPC service and
     * method, else the span name: the low-cardinality name each convention gives the operation.
     */
    private static String endpoint(Span span, boolean client, SpanAttributes attributes) {
        String path = client ? attributes.urlTemplate : attributes.route;
        if (!path.isEmpty()) {
            return attributes.method.isEmpty() ? path : attributes.method + ":" + path;
        }
        if (!attributes.rpcMethod.isEmpty()) {
            // newer conventions put the fully qualified method in rpc.method alone
            return attributes.rpcService.isEmpty()
                    ? attributes.rpcMethod
                    : attributes.rpcService + "/" + attributes.rpcMethod;
        }
        return span.getName();
    }

    /**
     * The dead letter of a side that arrived after its bucket was forgotten, from the batch it came
     * in: the span with its resource and scope, as {@code SideDecoder.lateDeadLetter} keeps a
     * SkyWalking side. Rare, so the record is decoded again rather than every side keeping its
     * bytes.
     */
    public static DeadLetter lateDeadLetter(SideBatch batch, Side side) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(batch.payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a record that decoded once no longer decodes", e);
        }
        int index = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                int count = scopeSpans.getSpansCount();
                if (side.index < index + count) {
                    Span span = scopeSpans.getSpans(side.index - index);
                    return new DeadLetter(
                            deadLetterId(batch.origin, side.index) + "/" + LATE,
                            System.currentTimeMillis(),
                            batch.origin,
                            LATE,
                            justThisSpan(resourceSpans, scopeSpans, span));
                }
                index += count;
            }
        }
        throw new IllegalStateException(
                "no span " + side.index + " in the record " + batch.origin + " it came from");
    }

    /**
     * A dead letter's payload stays in the input format: an ExportTraceServiceRequest holding just
     * that span, with its resource and scope (and their schema URLs).
     */
    private static byte[] justThisSpan(
            ResourceSpans resourceSpans, ScopeSpans scopeSpans, Span span) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(
                        ResourceSpans.newBuilder()
                                .setResource(resourceSpans.getResource())
                                .setSchemaUrl(resourceSpans.getSchemaUrl())
                                .addScopeSpans(
                                        ScopeSpans.newBuilder()
                                                .setScope(scopeSpans.getScope())
                                                .setSchemaUrl(scopeSpans.getSchemaUrl())
                                                .addSpans(span)))
                .build()
                .toByteArray();
    }

    /**
     * The request id of a pairing key: hex trace id, a dash, hex span id; empty when either id is
     * missing or all zeros (invalid in OpenTelemetry), so that the side is never paired.
     */
    static String requestId(ByteString traceId, ByteString spanId) {
        if (!isValidId(traceId) || !isValidId(spanId)) {
            return "";
        }
        int traceLength = traceId.size();
        char[] chars = new char[2 * traceLength + 1 + 2 * spanId.size()];
        int at = appendHex(traceId, chars, 0);
        chars[at++] = '-';
        appendHex(spanId, chars, at);
        return new String(chars);
    }

    private static boolean isValidId(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private static int appendHex(ByteString bytes, char[] chars, int at) {
        for (int i = 0; i < bytes.size(); i++) {
            int b = bytes.byteAt(i) & 0xff;
            chars[at++] = HEX[b >>> 4];
            chars[at++] = HEX[b & 0xf];
        }
        return at;
    }

    /** A span id's (up to) 8 bytes as a big-endian long. */
    static long idBits(ByteString spanId) {
        long bits = 0;
        for (int i = 0; i < Math.min(8, spanId.size()); i++) {
            bits = bits << 8 | (spanId.byteAt(i) & 0xff);
        }
        return bits;
    }

    /** fixed64 nanoseconds to ms, rounded down, read unsigned as the protocol means them. */
    private static long millis(long unixNanos) {
        return Long.divideUnsigned(unixNanos, NANOS_PER_MILLI);
    }

    private static String deadLetterId(String origin, int index) {
        return origin + "#" + index;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
