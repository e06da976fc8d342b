package io.meshflow.aggregate;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.Arrays;

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

    /**
     * Latency distribution, once a row has more than {@link #FEW_LATENCIES} calls; null before.
     * Until then the latencies themselves are kept ({@link #fewLatencies}): most rows of a wide
     * mesh hold a call or two, and a histogram allocates, copies, merges and encodes its whole
     * counts array (kilobytes) however few values it holds. Either way the percentiles are the
     * histogram's (see {@link #percentilesMs}).
     */
    Histogram latencies;

    /** Latencies of the row's calls while there are few of them and no {@link #latencies}. */
    int[] fewLatencies;

    /** How many of {@link #fewLatencies} hold a latency. */
    int fewCount;

    /** The most latencies a row keeps as values before it moves them into a histogram. */
    static final int FEW_LATENCIES = 16;

    /**
     * A histogram of the same precision, never recorded into: its value equivalence (which values
     * share a bucket, and the value that stands for a bucket) is every such histogram's.
     */
    private static final Histogram EQUIVALENCE = new Histogram(SIGNIFICANT_DIGITS);

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
        recordLatency(latencyMs);
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
                Histogram merged = copyOf(other.latencies);
                for (int i = 0; i < fewCount; i++) {
                    merged.recordValue(fewLatencies[i]);
                }
                latencies = merged;
                fewLatencies = null;
                fewCount = 0;
            } else {
                latencies.add(other.latencies);
            }
        } else {
            for (int i = 0; i < other.fewCount; i++) {
                recordLatency(other.fewLatencies[i]);
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

    private void recordLatency(int latencyMs) {
        if (latencies != null) {
            latencies.recordValue(latencyMs);
            return;
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("negative latency " + latencyMs);
        }
        if (fewLatencies == null) {
            fewLatencies = new int[fewLatenciesCapacity(1)];
        } else if (fewCount == fewLatencies.length) {
            if (fewCount == FEW_LATENCIES) {
                Histogram histogram = histogramOfFew();
                histogram.recordValue(latencyMs);
                latencies = histogram;
                fewLatencies = null;
                fewCount = 0;
                return;
            }
            fewLatencies = Arrays.copyOf(fewLatencies, fewLatenciesCapacity(fewCount + 1));
        }
        fewLatencies[fewCount++] = latencyMs;
    }

    /**
     * The length of {@link #fewLatencies} for {@code count} latencies: the next power of two, at
     * least 2. Rows of the same latencies hold equal arrays however they were made (recorded,
     * merged or read back), and the unused end is zeros.
     */
    static int fewLatenciesCapacity(int count) {
        return Math.max(2, Integer.highestOneBit(count - 1) << 1);
    }

    /** How many latencies were recorded (the calls counted, for a row of calls). */
    public long latencyCount() {
        return latencies != null ? latencies.getTotalCount() : fewCount;
    }

    /**
     * The recorded latencies as a histogram (a new one while the row keeps them as values), or null
     * without any.
     */
    public Histogram latencyHistogram() {
        if (latencies != null || fewCount == 0) {
            return latencies;
        }
        return histogramOfFew();
    }

    /** A new histogram of the latencies kept as values. */
    private Histogram histogramOfFew() {
        Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
        for (int i = 0; i < fewCount; i++) {
            histogram.recordValue(fewLatencies[i]);
        }
        return histogram;
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
        if (calls == 0 || latencyCount() == 0) {
            return values;
        }
        if (latencies == null) {
            // The histogram's answer without the histogram: the value that stands for the bucket
            // of the rank-th smallest latency.
            int[] sorted = Arrays.copyOf(fewLatencies, fewCount);
            Arrays.sort(sorted);
            for (int i = 0; i < percentiles.length; i++) {
                long latency = sorted[(int) rank(percentiles[i], fewCount) - 1];
                values[i] = Math.min(EQUIVALENCE.medianEquivalentValue(latency), latencyMaxMs);
            }
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
