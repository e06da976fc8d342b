package io.meshflow.decode;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One report of one request, by its client (detect point client or proxy) or by its server.
 * Serialized by {@link SideSerializer}.
 */
@TypeInfo(SideSerializer.Factory.class)
public class Side {
    public String requestId;
    public String sourceService;
    public String sourceInstance;
    public String destService;
    public String destInstance;
    public String endpoint;
    public String tlsMode;

    /** ms since epoch, UTC. */
    public long startTime;

    /** ms, as observed by the reporting side. */
    public int latency;

    public int responseCode;

    /** {@code status} on the wire: success as judged by the reporting side. */
    public boolean success;

    /** True for detect point client or proxy, false for server. */
    public boolean client;

    /**
     * Its position among the sides of its input record (whose origin the {@link SideBatch} holds).
     */
    public int index;

    /** It came after its bucket was forgotten: counted in pipeline_stats.late_sides only. */
    public boolean late;

    /**
     * The request id alone is the pairing key: true for sides of OpenTelemetry spans (SPEC 1.3),
     * whose two sides do not agree on the service names (a SERVER span does not name its caller, a
     * CLIENT span names its callee as it knows it). False for SkyWalking sides (SPEC 3).
     */
    public boolean keyedByRequestId;

    /**
     * The reporting span's own id (its 8 bytes, big-endian) when {@link #keyedByRequestId}, else 0.
     * It tells a redelivered span (same id) from a retry attempt under the same key (another id).
     */
    public long spanId;

    /**
     * A TCP side (SPEC 3, TCP): one end's report of one connection, counted on its own in the tcp_*
     * tables, never paired. The fields below are set only for TCP sides.
     */
    public boolean tcp;

    /** ms since epoch, UTC: when the connection ended. */
    public long endTime;

    /** Bytes the reporting end sent and received on the connection. */
    public long sentBytes;

    public long receivedBytes;

    /** The proxy's error code (e.g. Envoy's "UF"); empty when the connection did not fail. */
    public String internalErrorCode = "";

    public Side() {}

    public Side copy() {
        Side c = new Side();
        c.requestId = requestId;
        c.sourceService = sourceService;
        c.sourceInstance = sourceInstance;
        c.destService = destService;
        c.destInstance = destInstance;
        c.endpoint = endpoint;
        c.tlsMode = tlsMode;
        c.startTime = startTime;
        c.latency = latency;
        c.responseCode = responseCode;
        c.success = success;
        c.client = client;
        c.index = index;
        c.late = late;
        c.keyedByRequestId = keyedByRequestId;
        c.spanId = spanId;
        c.tcp = tcp;
        c.endTime = endTime;
        c.sentBytes = sentBytes;
        c.receivedBytes = receivedBytes;
        c.internalErrorCode = internalErrorCode;
        return c;
    }

    /**
     * True when the two sides are the same report: what a redelivery looks like (SPEC 3,
     * duplicate).
     */
    public boolean sameReportAs(Side other) {
        return client == other.client
                && startTime == other.startTime
                && sourceInstance.equals(other.sourceInstance)
                && destInstance.equals(other.destInstance)
                && spanId == other.spanId
                && tcp == other.tcp
                && endTime == other.endTime;
    }

    /**
     * A 64-bit fingerprint of what makes a side unique within its pairing key: detect point, start
     * time and both instances, and for a span also its span id (a redelivered span has the same id,
     * a retry attempt another one even when it starts in the same ms on the same instance). Settled
     * calls remember only these, which keeps their state small. SkyWalking sides hash as they
     * always did, so fingerprints kept in state stay valid.
     */
    public long fingerprint() {
        long h = client ? 0x9E3779B97F4A7C15L : 0xC2B2AE3D27D4EB4FL;
        h = mix(h ^ startTime);
        h = mix(h ^ sourceInstance.hashCode());
        h = mix(h ^ ((long) destInstance.hashCode() << 32 | (destInstance.length() & 0xffffffffL)));
        if (keyedByRequestId) {
            h = mix(h ^ spanId);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public String toString() {
        return (client ? "client" : "server")
                + " side "
                + requestId
                + " "
                + sourceService
                + "->"
                + destService
                + " @"
                + startTime
                + " "
                + latency
                + "ms "
                + responseCode;
    }
}
