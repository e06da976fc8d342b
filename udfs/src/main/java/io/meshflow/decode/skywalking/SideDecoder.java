package io.meshflow.decode.skywalking;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.WireCheck;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.proto.TCPServiceMeshMetric;
import io.meshflow.proto.TCPServiceMeshMetrics;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one input record (a serialized {@code ServiceMeshMetrics}) into sides, and everything it
 * cannot use into dead letters (SPEC section 4): undecodable bytes, sides without startTime or
 * destServiceName, HTTP sides with a negative latency, TCP sides that end before they start, and
 * what {@link SideChecks} rejects (a start too far ahead of the wall clock, a name holding U+0000).
 * A record holds either HTTP sides or TCP sides (the oneof of {@code ServiceMeshMetrics}).
 */
public final class SideDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    public static final String END_BEFORE_START = "end-before-start";

    private final SideChecks checks;

    public SideDecoder(SideChecks checks) {
        this.checks = checks;
    }

    @Override
    public SideBatch decode(byte[] payload, String origin, long receivedAt) {
        ServiceMeshMetrics message;
        try {
            message = ServiceMeshMetrics.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            String why = e.getMessage() == null ? "" : ": " + firstLine(e.getMessage());
            return SideBatch.deadLetter(
                    new DeadLetter(
                            origin, receivedAt, origin, DeadLetter.UNDECODABLE + why, payload));
        }
        return switch (message.getMetricsCase()) {
            case HTTPMETRICS ->
                    sides(message.getHttpMetrics().getMetricsList(), payload, origin, receivedAt);
            case TCPMETRICS ->
                    sides(message.getTcpMetrics().getMetricsList(), payload, origin, receivedAt);
            default ->
                    SideBatch.deadLetter(
                            new DeadLetter(origin, receivedAt, origin, DeadLetter.EMPTY, payload));
        };
    }

    /** The batch of one record's HTTP or TCP metrics: valid sides, dead letters for the rest. */
    private SideBatch sides(
            List<? extends Message> metrics, byte[] payload, String origin, long receivedAt) {
        if (metrics.isEmpty()) {
            return SideBatch.deadLetter(
                    new DeadLetter(origin, receivedAt, origin, DeadLetter.EMPTY, payload));
        }
        Side[] sides = new Side[metrics.size()];
        int valid = 0;
        List<DeadLetter> deadLetters = null;
        for (int i = 0; i < metrics.size(); i++) {
            Message metric = metrics.get(i);
            String invalid =
                    metric instanceof TCPServiceMeshMetric tcp
                            ? validate(tcp, receivedAt)
                            : validate((HTTPServiceMeshMetric) metric, receivedAt);
            Side side = null;
            if (invalid == null) {
                side =
                        metric instanceof TCPServiceMeshMetric tcp
                                ? toSide(tcp, i)
                                : toSide((HTTPServiceMeshMetric) metric, i);
                invalid = SideChecks.storeNames(side);
            }
            if (invalid != null) {
                if (deadLetters == null) {
                    deadLetters = new ArrayList<>(1);
                }
                deadLetters.add(
                        new DeadLetter(
                                sideId(origin, i), receivedAt, origin, invalid, wrap(metric)));
            } else {
                sides[valid++] = side;
            }
        }
        if (valid < sides.length) {
            sides = Arrays.copyOf(sides, valid);
        }
        return new SideBatch(
                sides,
                deadLetters == null ? new DeadLetter[0] : deadLetters.toArray(new DeadLetter[0]),
                payload,
                origin);
    }

    @Override
    public boolean isRecord(InputStream bytes, int length) {
        // ServiceMeshMetrics: httpMetrics = 1 or tcpMetrics = 2; the parser only for what passes
        try {
            bytes.mark(length);
            if (!WireCheck.wellFormed(bytes, length, 1, 2)) {
                return false;
            }
            bytes.reset();
            ServiceMeshMetrics message =
                    ServiceMeshMetrics.parseFrom(CodedInputStream.newInstance(bytes, 64));
            return message.getHttpMetrics().getMetricsCount() > 0
                    || message.getTcpMetrics().getMetricsCount() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Why a side cannot be used, or null when it can (its names are checked once it is built). */
    private String validate(HTTPServiceMeshMetric metric, long receivedAt) {
        if (metric.getStartTime() <= 0) {
            return DeadLetter.MISSING_START_TIME;
        }
        if (metric.getDestServiceName().isEmpty()) {
            return DeadLetter.MISSING_DEST_SERVICE;
        }
        if (metric.getLatency() < 0) {
            return DeadLetter.NEGATIVE_LATENCY;
        }
        return checks.startTimeProblem(metric.getStartTime(), receivedAt);
    }

    /** Why a TCP side cannot be used, or null when it can. */
    private String validate(TCPServiceMeshMetric metric, long receivedAt) {
        if (metric.getStartTime() <= 0) {
            return DeadLetter.MISSING_START_TIME;
        }
        if (metric.getDestServiceName().isEmpty()) {
            return DeadLetter.MISSING_DEST_SERVICE;
        }
        if (metric.getEndTime() < metric.getStartTime()) {
            // its lifetime would be negative (an end time never set included)
            return END_BEFORE_START;
        }
        return checks.startTimeProblem(metric.getStartTime(), receivedAt);
    }

    static Side toSide(HTTPServiceMeshMetric metric, int index) {
        Side side = new Side();
        side.requestId = metric.getRequestId();
        side.sourceService = metric.getSourceServiceName();
        side.sourceInstance = metric.getSourceServiceInstance();
        side.destService = metric.getDestServiceName();
        side.destInstance = metric.getDestServiceInstance();
        side.endpoint = metric.getEndpoint();
        side.tlsMode = metric.getTlsMode();
        side.startTime = metric.getStartTime();
        side.latency = metric.getLatency();
        side.responseCode = metric.getResponseCode();
        side.success = metric.getStatus();
        // proxy is treated as client (SPEC 1.1); unknown future values as server would be a guess,
        // so client too
        side.client = metric.getDetectPoint() != DetectPoint.server;
        side.index = index;
        return side;
    }

    /**
     * A TCP side. Of the wire's fields, the internal latencies and the instance properties are not
     * counted in any table (SPEC 4 has no column for them); the rest are.
     */
    static Side toSide(TCPServiceMeshMetric metric, int index) {
        Side side = new Side();
        side.tcp = true;
        side.requestId = "";
        side.sourceService = metric.getSourceServiceName();
        side.sourceInstance = metric.getSourceServiceInstance();
        side.destService = metric.getDestServiceName();
        side.destInstance = metric.getDestServiceInstance();
        side.endpoint = "";
        side.tlsMode = metric.getTlsMode();
        side.internalErrorCode = metric.getInternalErrorCode();
        side.startTime = metric.getStartTime();
        side.endTime = metric.getEndTime();
        side.sentBytes = metric.getSentBytes();
        side.receivedBytes = metric.getReceivedBytes();
        // a connection has no status of its own: it failed when the proxy gave an error code
        side.success = metric.getInternalErrorCode().isEmpty();
        side.client = metric.getDetectPoint() != DetectPoint.server;
        side.index = index;
        return side;
    }

    /**
     * The dead letter of a side that arrived after its bucket was forgotten, from the batch it came
     * in. Rare, so the record is decoded again rather than every side keeping its bytes.
     */
    @Override
    public DeadLetter lateDeadLetter(SideBatch batch, Side side) {
        byte[] kept;
        try {
            ServiceMeshMetrics message = ServiceMeshMetrics.parseFrom(batch.payload);
            kept =
                    wrap(
                            side.tcp
                                    ? message.getTcpMetrics().getMetrics(side.index)
                                    : message.getHttpMetrics().getMetrics(side.index));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a record that decoded once no longer decodes", e);
        }
        return new DeadLetter(
                sideId(batch.origin, side.index) + "/" + DeadLetter.LATE,
                System.currentTimeMillis(),
                batch.origin,
                DeadLetter.LATE,
                kept);
    }

    /**
     * A dead letter's payload stays in the input format: a ServiceMeshMetrics holding just that
     * side.
     */
    private static byte[] wrap(Message metric) {
        ServiceMeshMetrics.Builder message = ServiceMeshMetrics.newBuilder();
        if (metric instanceof TCPServiceMeshMetric tcp) {
            message.setTcpMetrics(TCPServiceMeshMetrics.newBuilder().addMetrics(tcp));
        } else {
            message.setHttpMetrics(
                    HTTPServiceMeshMetrics.newBuilder().addMetrics((HTTPServiceMeshMetric) metric));
        }
        return message.build().toByteArray();
    }

    private static String sideId(String origin, int index) {
        return origin + "#" + index;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
