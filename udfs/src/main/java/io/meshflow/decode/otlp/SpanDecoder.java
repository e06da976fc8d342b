package io.meshflow.decode.otlp;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.WireCheck;

import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.InputStream;
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
 *
 * <p>The record is read in place ({@link SpanWalker}) rather than parsed into objects: a record
 * that is not well-formed protobuf where the fields a side needs are read does not decode; bytes in
 * fields no side needs (events, links, other attributes) are not looked at.
 */
public final class SpanDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    /** A CLIENT span's callee when it names neither {@code peer.service} nor its server address. */
    public static final String UNKNOWN_PEER = "unknown";

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final DeadLetter[] NO_DEAD_LETTERS = new DeadLetter[0];

    private final SideChecks checks;

    public SpanDecoder(SideChecks checks) {
        this.checks = checks;
    }

    /**
     * Decodes one record.
     *
     * @param origin where it came from (topic/partition/offset, file@byte offset): names its dead
     *     letters, with the span's position among all spans of the record ({@code origin#index})
     * @param receivedAt when it was read, ms since epoch
     */
    @Override
    public SideBatch decode(byte[] payload, String origin, long receivedAt) {
        Collected collected = new Collected(origin, receivedAt);
        int spans;
        try {
            spans = new SpanWalker(payload).walk(collected);
        } catch (InvalidProtocolBufferException e) {
            String why = e.getMessage() == null ? "" : ": " + firstLine(e.getMessage());
            return SideBatch.deadLetter(
                    new DeadLetter(
                            origin, receivedAt, origin, DeadLetter.UNDECODABLE + why, payload));
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail otherwise", e);
        }
        if (spans == 0) {
            return SideBatch.deadLetter(
                    new DeadLetter(origin, receivedAt, origin, DeadLetter.EMPTY, payload));
        }
        SideBatch batch =
                new SideBatch(
                        collected.sides.length == collected.sideCount
                                ? collected.sides
                                : Arrays.copyOf(collected.sides, collected.sideCount),
                        collected.deadLetters == null
                                ? NO_DEAD_LETTERS
                                : collected.deadLetters.toArray(NO_DEAD_LETTERS),
                        payload,
                        origin);
        if (collected.ignoredCount > 0) {
            batch.ignoredSpanStarts = Arrays.copyOf(collected.ignored, collected.ignoredCount);
        }
        return batch;
    }

    /** What one walk over a record finds. */
    private final class Collected implements SpanWalker.Visitor {
        final String origin;
        final long receivedAt;
        Side[] sides = new Side[8];
        int sideCount;
        long[] ignored;
        int ignoredCount;
        List<DeadLetter> deadLetters;

        Collected(String origin, long receivedAt) {
            this.origin = origin;
            this.receivedAt = receivedAt;
        }

        @Override
        public boolean span(SpanWalker walker, ScannedSpan span) throws IOException {
            if (!span.isCall()) {
                if (ignored == null) {
                    ignored = new long[4];
                } else if (ignoredCount == ignored.length) {
                    ignored = Arrays.copyOf(ignored, 2 * ignoredCount);
                }
                ignored[ignoredCount++] = millis(span.startNanos);
                return true;
            }
            ResourceNames names = walker.names();
            String invalid = validate(span, names, receivedAt);
            Side side = null;
            if (invalid == null) {
                side = toSide(walker.buffer, span, names);
                invalid = SideChecks.storeNames(side);
            }
            if (invalid != null) {
                if (deadLetters == null) {
                    deadLetters = new ArrayList<>(1);
                }
                deadLetters.add(
                        new DeadLetter(
                                deadLetterId(origin, span.index),
                                receivedAt,
                                origin,
                                invalid,
                                walker.justThisSpan(span)));
                return true;
            }
            if (sideCount == sides.length) {
                sides = Arrays.copyOf(sides, 2 * sideCount);
            }
            sides[sideCount++] = side;
            return true;
        }
    }

    /** Why a CLIENT or SERVER span cannot be a side, or null when it can. */
    private String validate(ScannedSpan span, ResourceNames names, long receivedAt) {
        if (span.startNanos == 0) {
            return DeadLetter.MISSING_START_TIME;
        }
        // fixed64 on the wire: compared unsigned, as the protocol means them
        if (Long.compareUnsigned(span.endNanos, span.startNanos) < 0) {
            return DeadLetter.NEGATIVE_LATENCY;
        }
        if (span.kind == ScannedSpan.SERVER && names.service.isEmpty()) {
            // a SERVER span's destination is its own service; a CLIENT span's is never empty
            return DeadLetter.MISSING_DEST_SERVICE;
        }
        return checks.startTimeProblem(millis(span.startNanos), receivedAt);
    }

    private static Side toSide(byte[] buffer, ScannedSpan span, ResourceNames names)
            throws IOException {
        SpanAttributes attributes = span.attributes;
        boolean client = span.kind == ScannedSpan.CLIENT;
        Side side = new Side();
        side.client = client;
        side.keyedByRequestId = true;
        side.spanId = idBits(buffer, span.spanIdAt, span.spanIdLength);
        if (client) {
            side.requestId =
                    requestId(
                            buffer,
                            span.traceIdAt,
                            span.traceIdLength,
                            span.spanIdAt,
                            span.spanIdLength);
            side.sourceService = names.service;
            side.sourceInstance = names.instance;
            side.destService = callee(attributes);
            side.destInstance = "";
        } else {
            side.requestId =
                    requestId(
                            buffer,
                            span.traceIdAt,
                            span.traceIdLength,
                            span.parentIdAt,
                            span.parentIdLength);
            side.sourceService = "";
            side.sourceInstance = "";
            side.destService = names.service;
            side.destInstance = names.instance;
        }
        side.endpoint = endpoint(buffer, span, client);
        side.tlsMode = "";
        side.startTime = millis(span.startNanos);
        long latency = Long.divideUnsigned(span.endNanos - span.startNanos, NANOS_PER_MILLI);
        // a span open for more than 24 days: the longest latency an int holds
        side.latency = (int) Math.min(latency, Integer.MAX_VALUE);
        side.responseCode = attributes.responseCode;
        side.success = !span.error;
        side.index = span.index;
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
    private static String endpoint(byte[] buffer, ScannedSpan span, boolean client)
            throws IOException {
        SpanAttributes attributes = span.attributes;
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
        return span.name(buffer);
    }

    /**
     * The dead letter of a side that arrived after its bucket was forgotten, from the batch it came
     * in: the span with its resource and scope, as {@code SideDecoder.lateDeadLetter} keeps a
     * SkyWalking side. Rare, so the record is read again rather than every side keeping its bytes.
     */
    @Override
    public DeadLetter lateDeadLetter(SideBatch batch, Side side) {
        byte[][] kept = new byte[1][];
        try {
            new SpanWalker(batch.payload)
                    .walk(
                            (walker, span) -> {
                                if (span.index != side.index) {
                                    return true;
                                }
                                kept[0] = walker.justThisSpan(span);
                                return false;
                            });
        } catch (IOException e) {
            throw new IllegalStateException("a record that decoded once no longer decodes", e);
        }
        if (kept[0] == null) {
            throw new IllegalStateException(
                    "no span " + side.index + " in the record " + batch.origin + " it came from");
        }
        return new DeadLetter(
                deadLetterId(batch.origin, side.index) + "/" + DeadLetter.LATE,
                System.currentTimeMillis(),
                batch.origin,
                DeadLetter.LATE,
                kept[0]);
    }

    /**
     * The request id of a pairing key: hex trace id, a dash, hex span id; empty when either id is
     * missing or all zeros (invalid in OpenTelemetry), so that the side is never paired.
     */
    @Override
    public boolean isRecord(InputStream bytes, int length) {
        // ExportTraceServiceRequest: resource_spans = 1; the walk only for what passes
        try {
            bytes.mark(length);
            if (!WireCheck.wellFormed(bytes, length, 1, 1)) {
                return false;
            }
            bytes.reset();
            return new SpanWalker(bytes.readNBytes(length)).walk((walker, span) -> true) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String requestId(
            byte[] buffer, int traceAt, int traceLength, int spanAt, int spanLength) {
        if (!isValidId(buffer, traceAt, traceLength) || !isValidId(buffer, spanAt, spanLength)) {
            return "";
        }
        char[] chars = new char[2 * traceLength + 1 + 2 * spanLength];
        int at = appendHex(buffer, traceAt, traceLength, chars, 0);
        chars[at++] = '-';
        appendHex(buffer, spanAt, spanLength, chars, at);
        return new String(chars);
    }

    private static boolean isValidId(byte[] buffer, int at, int length) {
        for (int i = at; i < at + length; i++) {
            if (buffer[i] != 0) {
                return true;
            }
        }
        return false;
    }

    private static int appendHex(byte[] buffer, int from, int length, char[] chars, int at) {
        for (int i = from; i < from + length; i++) {
            int b = buffer[i] & 0xff;
            chars[at++] = HEX[b >>> 4];
            chars[at++] = HEX[b & 0xf];
        }
        return at;
    }

    /** A span id's (up to) 8 bytes as a big-endian long. */
    private static long idBits(byte[] buffer, int at, int length) {
        long bits = 0;
        for (int i = at; i < at + Math.min(8, length); i++) {
            bits = bits << 8 | (buffer[i] & 0xff);
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
