package io.meshflow.aggregate;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The raw, mergeable counters of one row of any output table. Rows of the same key merge by adding
 * counters and histograms, so hour and day rows are exact merges of the same calls, never averages
 * of minute rows. Derived values (percentiles, apdex, averages) are computed from the counters when
 * a row is written.
 *
 * <p>One class for every table keeps the pipeline to one record type; the counters a table does not
 * use stay zero and cost a few bytes.
 */
@TypeInfo(MetricsAccumulatorTypeInfoFactory.class)
public final class MetricsAccumulator {
    /** Two significant digits: any recorded value is within 1% of the value reported for it. */
    static final int SIGNIFICANT_DIGITS = 2;

    // Calls, as the view used by the table saw them (SPEC 3, metrics).
    public long calls;
    public long errors;
    public long latencySumMs;
    public long latencyMaxMs;
    public long apdexSatisfied;
    public long apdexTolerating;
    public long status2xx;
    public long status3xx;
    public long status4xx;
    public long status5xx;
    public long statusOther;

    /** Latency distribution; null until the first call. */
    public Histogram latencies;

    // service_edges and instance_edges.
    public long pairedCalls;
    public long clientOnlyCalls;
    public long serverOnlyCalls;
    public long serverRetries;
    public long mtlsCalls;
    public long clientLatencySumMs;
    public long serverLatencySumMs;

    // pipeline_stats.
    public long sides;
    public long duplicateSides;
    public long lateSides;
    public long endpointOverflowCalls;

    /** Spans that are not calls between services (SPEC 1.3), in the minute of their start. */
    public long ignoredSpans;

    // services.
    public long firstSeen = Long.MAX_VALUE;
    public long lastSeen = Long.MIN_VALUE;

    /** Bit set of {@link ServiceKind} ordinals seen for the service. */
    public int kinds;

    // tcp_service_edges and tcp_instance_edges: TCP sides, each counted from its own end.
    public long clientConnections;
    public long serverConnections;
    public long failedConnections;
    public long mtlsConnections;
    public long clientSentBytes;
    public long clientReceivedBytes;
    public long serverSentBytes;
    public long serverReceivedBytes;
    public long durationSumMs;
    public long durationMaxMs;

    /**
     * Counts one call as seen by one view; {@code apdexThresholdMs} is T of the destination
     * service.
     */
    public void addCall(int latencyMs, boolean success, int responseCode, long apdexThresholdMs) {
        calls++;
        latencySumMs += latencyMs;
        latencyMaxMs = Math.max(latencyMaxMs, latencyMs);
        if (latencies == null) {
            latencies = new Histogram(SIGNIFICANT_DIGITS);
        }
        latencies.recordValue(latencyMs);
        if (!success) {
            errors++;
        } else if (latencyMs <= apdexThresholdMs) {
            apdexSatisfied++;
        } else if (latencyMs <= 4 * apdexThresholdMs) {
            apdexTolerating++;
        }
        int statusClass = responseCode / 100;
        switch (statusClass) {
            case 2 -> status2xx++;
            case 3 -> status3xx++;
            case 4 -> status4xx++;
            case 5 -> status5xx++;
            default -> statusOther++;
        }
    }

    /**
     * Counts one TCP side: a connection as its client end (the one that connected) or its server
     * end reported it.
     */
    public void addConnection(
            boolean client,
            boolean failed,
            boolean mtls,
            long sentBytes,
            long receivedBytes,
            long durationMs) {
        if (client) {
            clientConnections++;
            clientSentBytes += sentBytes;
            clientReceivedBytes += receivedBytes;
            // SPEC 4: failed connections are client sides with an error code; the server end of
            // a connection that never reached it reports nothing
            if (failed) {
                failedConnections++;
            }
        } else {
            serverConnections++;
            serverSentBytes += sentBytes;
            serverReceivedBytes += receivedBytes;
            if (mtls) {
                mtlsConnections++;
            }
        }
        durationSumMs += durationMs;
        durationMaxMs = Math.max(durationMaxMs, durationMs);
    }

    /** Whether any TCP side was counted (the serializer writes the TCP counters only then). */
    boolean hasConnections() {
        return clientConnections != 0 || serverConnections != 0;
    }

    public void seen(long time, ServiceKind kind) {
        firstSeen = Math.min(firstSeen, time);
        lastSeen = Math.max(lastSeen, time);
        kinds |= 1 << kind.ordinal();
    }

    /** Adds everything {@code other} counted. */
    public void merge(MetricsAccumulator other) {
        calls += other.calls;
        errors += other.errors;
        latencySumMs += other.latencySumMs;
        latencyMaxMs = Math.max(latencyMaxMs, other.latencyMaxMs);
        apdexSatisfied += other.apdexSatisfied;
        apdexTolerating += other.apdexTolerating;
        status2xx += other.status2xx;
        status3xx += other.status3xx;
        status4xx += other.status4xx;
        status5xx += other.status5xx;
        statusOther += other.statusOther;
        if (other.latencies != null) {
            if (latencies == null) {
                latencies = copyOf(other.latencies);
            } else {
                latencies.add(other.latencies);
            }
        }
        pairedCalls += other.pairedCalls;
        clientOnlyCalls += other.clientOnlyCalls;
        serverOnlyCalls += other.serverOnlyCalls;
        serverRetries += other.serverRetries;
        mtlsCalls += other.mtlsCalls;
        clientLatencySumMs += other.clientLatencySumMs;
        serverLatencySumMs += other.serverLatencySumMs;
        sides += other.sides;
        duplicateSides += other.duplicateSides;
        lateSides += other.lateSides;
        endpointOverflowCalls += other.endpointOverflowCalls;
        ignoredSpans += other.ignoredSpans;
        firstSeen = Math.min(firstSeen, other.firstSeen);
        lastSeen = Math.max(lastSeen, other.lastSeen);
        kinds |= other.kinds;
        clientConnections += other.clientConnections;
        serverConnections += other.serverConnections;
        failedConnections += other.failedConnections;
        mtlsConnections += other.mtlsConnections;
        clientSentBytes += other.clientSentBytes;
        clientReceivedBytes += other.clientReceivedBytes;
        serverSentBytes += other.serverSentBytes;
        serverReceivedBytes += other.serverReceivedBytes;
        durationSumMs += other.durationSumMs;
        durationMaxMs = Math.max(durationMaxMs, other.durationMaxMs);
    }

    public MetricsAccumulator copy() {
        MetricsAccumulator copy = new MetricsAccumulator();
        copy.merge(this);
        return copy;
    }

    /**
     * A histogram of the same counts, its counts array allocated at its final size at once (adding
     * into a fresh histogram would grow it bucket by bucket), and growing as needed.
     */
    private static Histogram copyOf(Histogram source) {
        Histogram copy = source.copy();
        copy.setAutoResize(true);
        return copy;
    }

    /**
     * The nearest-rank percentile of the recorded latencies: the smallest recorded value such that
     * at least {@code percentile}% of the calls are at or below it, within the histogram's 1%
     * precision.
     */
    public long percentileMs(double percentile) {
        return percentilesMs(percentile)[0];
    }

    /**
     * Several percentiles as {@link #percentileMs} defines them, in one pass over the histogram:
     * {@code percentiles} ascending.
     */
    public long[] percentilesMs(double... percentiles) {
        long[] values = new long[percentiles.length];
        if (latencies == null || calls == 0) {
            return values;
        }
        long total = latencies.getTotalCount();
        int next = 0;
        long rank = rank(percentiles[0], total);
        long cumulative = 0;
        for (HistogramIterationValue v : latencies.recordedValues()) {
            cumulative += v.getCountAtValueIteratedTo();
            while (cumulative >= rank) {
                long value = latencies.medianEquivalentValue(v.getValueIteratedTo());
                values[next++] = Math.min(value, latencyMaxMs);
                if (next == percentiles.length) {
                    return values;
                }
                rank = rank(percentiles[next], total);
            }
        }
        while (next < percentiles.length) {
            values[next++] = latencyMaxMs;
        }
        return values;
    }

    private static long rank(double percentile, long total) {
        return Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
    }

    /** (satisfied + tolerating / 2) / calls, or null without calls. */
    public Double apdex() {
        return calls == 0 ? null : (apdexSatisfied + apdexTolerating / 2.0) / calls;
    }

    /** Mean of client minus server latency over paired calls, or null without any. */
    public Double overheadAvgMs() {
        return pairedCalls == 0
                ? null
                : (double) (clientLatencySumMs - serverLatencySumMs) / pairedCalls;
    }

    /** The strongest kind seen: mesh over external over unknown. */
    public ServiceKind kind() {
        if ((kinds & (1 << ServiceKind.MESH.ordinal())) != 0) {
            return ServiceKind.MESH;
        }
        if ((kinds & (1 << ServiceKind.EXTERNAL.ordinal())) != 0) {
            return ServiceKind.EXTERNAL;
        }
        return ServiceKind.UNKNOWN;
    }
}
