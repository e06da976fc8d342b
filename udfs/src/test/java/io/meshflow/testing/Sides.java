package io.meshflow.testing;

import io.meshflow.decode.Side;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.skywalking.SideDecoder;

import java.time.Duration;

/** Builds sides for tests: {@code Sides.client("r1", "A", "B").at(t).latency(110).build()}. */
public final class Sides {
    /** 2026-01-01T10:00:00Z, the start of a minute, an hour and (2026-01-01) a day. */
    public static final long T0 = 1_767_261_600_000L;

    /**
     * The SkyWalking decoder for tests whose records are read "at" fixed or zero times: its
     * max-ahead is a century, so no test side starts in the future; the clock check has tests of
     * its own.
     */
    public static final SideDecoder DECODER =
            new SideDecoder(new SideChecks(Duration.ofDays(36_500)));

    private final Side side = new Side();

    private Sides(boolean client, String requestId, String source, String dest) {
        side.client = client;
        side.requestId = requestId;
        side.sourceService = source;
        side.destService = dest;
        side.sourceInstance = source.isEmpty() ? "" : source + "-1";
        side.destInstance = dest + "-1";
        side.endpoint = "GET:/items";
        side.tlsMode = "mTLS";
        side.startTime = T0 + 1_000;
        side.latency = 100;
        side.responseCode = 200;
        side.success = true;
    }

    public static Sides client(String requestId, String source, String dest) {
        return new Sides(true, requestId, source, dest);
    }

    public static Sides server(String requestId, String source, String dest) {
        return new Sides(false, requestId, source, dest);
    }

    /**
     * A TCP side of a connection from {@code source} to {@code dest}, reported by its client end
     * (the one that connected) or its server end; it lasts 250 ms.
     */
    public static Sides tcp(boolean client, String source, String dest) {
        Sides s = new Sides(client, "", source, dest);
        s.side.tcp = true;
        s.side.endpoint = "";
        s.side.latency = 0;
        s.side.responseCode = 0;
        s.side.endTime = s.side.startTime + 250;
        s.side.sentBytes = 100;
        s.side.receivedBytes = 2_000;
        return s;
    }

    /** A TCP side's end time. */
    public Sides endingAt(long endTime) {
        side.endTime = endTime;
        return this;
    }

    /** A TCP side the proxy gave an error code. */
    public Sides failed(String internalErrorCode) {
        side.internalErrorCode = internalErrorCode;
        side.success = false;
        return this;
    }

    /** Its start time; a TCP side keeps its lifetime. */
    public Sides at(long startTime) {
        if (side.tcp) {
            side.endTime += startTime - side.startTime;
        }
        side.startTime = startTime;
        return this;
    }

    public Sides latency(int ms) {
        side.latency = ms;
        return this;
    }

    public Sides code(int responseCode) {
        side.responseCode = responseCode;
        side.success = responseCode > 0 && responseCode < 500;
        return this;
    }

    public Sides instances(String source, String dest) {
        side.sourceInstance = source;
        side.destInstance = dest;
        return this;
    }

    public Sides endpoint(String endpoint) {
        side.endpoint = endpoint;
        return this;
    }

    public Sides tls(String tlsMode) {
        side.tlsMode = tlsMode;
        return this;
    }

    /** Makes it the side of an OpenTelemetry span (SPEC 1.3): keyed by request id alone. */
    public Sides spanId(long spanId) {
        side.keyedByRequestId = true;
        side.spanId = spanId;
        return this;
    }

    public Side build() {
        Side copy = new Side();
        copy.client = side.client;
        copy.requestId = side.requestId;
        copy.sourceService = side.sourceService;
        copy.sourceInstance = side.sourceInstance;
        copy.destService = side.destService;
        copy.destInstance = side.destInstance;
        copy.endpoint = side.endpoint;
        copy.tlsMode = side.tlsMode;
        copy.startTime = side.startTime;
        copy.latency = side.latency;
        copy.responseCode = side.responseCode;
        copy.success = side.success;
        copy.keyedByRequestId = side.keyedByRequestId;
        copy.spanId = side.spanId;
        copy.tcp = side.tcp;
        copy.endTime = side.endTime;
        copy.sentBytes = side.sentBytes;
        copy.receivedBytes = side.receivedBytes;
        copy.internalErrorCode = side.internalErrorCode;
        return copy;
    }
}
