package io.meshflow.records;

/**
 * One report of one request, by its client (detect point client or proxy) or by its server.
 *
 * <p>A Flink POJO: public fields and a no-argument constructor, so Flink serializes it without Kryo.
 */
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
    /** Where the side came from: topic/partition/offset or file@byte offset, for dead letters. */
    public String origin;
    /** Its position among the sides of that input record. */
    public int index;
    /** The side's own wire bytes (an HTTPServiceMeshMetric), kept whole in case it turns out late. */
    public byte[] raw;

    public Side() {}

    /** True when the two sides are the same report: what a redelivery looks like (SPEC 3, duplicate). */
    public boolean sameReportAs(Side other) {
        return client == other.client
                && startTime == other.startTime
                && sourceInstance.equals(other.sourceInstance)
                && destInstance.equals(other.destInstance);
    }

    /**
     * A 64-bit fingerprint of what makes a side unique within its pairing key: detect point, start time and
     * both instances. Settled calls remember only these, which keeps their state small.
     */
    public long fingerprint() {
        long h = client ? 0x9E3779B97F4A7C15L : 0xC2B2AE3D27D4EB4FL;
        h = mix(h ^ startTime);
        h = mix(h ^ sourceInstance.hashCode());
        h = mix(h ^ ((long) destInstance.hashCode() << 32 | (destInstance.length() & 0xffffffffL)));
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public String toString() {
        return (client ? "client" : "server") + " side " + requestId + " " + sourceService + "->" + destService
                + " @" + startTime + " " + latency + "ms " + responseCode;
    }
}
