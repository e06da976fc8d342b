package io.meshflow.aggregate;

import io.meshflow.typeinfo.FormatVersionSnapshot;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Serializes {@link MetricsAccumulator} explicitly, histogram included, so it never falls back to
 * Kryo. Format version 1: the counters in declaration order, then the histogram in HdrHistogram's
 * own encoding (its length, or -1 without one). A row with TCP counters marks {@code kinds} with
 * {@link #WITH_CONNECTIONS} and has them after it; other rows are written exactly as before the TCP
 * tables existed, so rows kept in state by an earlier version read back unchanged.
 *
 * <p>Format version 2 adds the latencies of a row with few calls ({@link
 * MetricsAccumulator#fewLatencies}) as values: where format 1 has the histogram's length, -2 - n,
 * then the n latencies. Format 1 never writes a length below -1, so one reader reads both.
 */
public final class MetricsAccumulatorSerializer extends TypeSerializer<MetricsAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final MetricsAccumulatorSerializer INSTANCE = new MetricsAccumulatorSerializer();

    /** The version of the format written now; see {@link Snapshot}. */
    static final int FORMAT = 2;

    /** A bit of the written {@code kinds} no service kind uses: the TCP counters follow it. */
    private static final int WITH_CONNECTIONS = 1 << 30;

    /**
     * Each thread's buffer for encoding histograms: HdrHistogram asks for room for its whole counts
     * array (kilobytes) however few values it holds, and a new buffer per row was the serializer's
     * largest cost.
     */
    private static final ThreadLocal<ByteBuffer[]> ENCODE_BUFFER =
            ThreadLocal.withInitial(() -> new ByteBuffer[] {ByteBuffer.allocate(4096)});

    @Override
    public boolean isImmutableType() {
        return false;
    }

    /** Stateless: one instance serves every thread. */
    @Override
    public TypeSerializer<MetricsAccumulator> duplicate() {
        return this;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof MetricsAccumulatorSerializer;
    }

    @Override
    public int hashCode() {
        return MetricsAccumulatorSerializer.class.hashCode();
    }

    @Override
    public MetricsAccumulator createInstance() {
        return new MetricsAccumulator();
    }

    @Override
    public MetricsAccumulator copy(MetricsAccumulator from) {
        return from.copy();
    }

    @Override
    public MetricsAccumulator copy(MetricsAccumulator from, MetricsAccumulator reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(MetricsAccumulator a, DataOutputView out) throws IOException {
        out.writeLong(a.calls);
        out.writeLong(a.errors);
        out.writeLong(a.latencySumMs);
        out.writeLong(a.latencyMaxMs);
        out.writeLong(a.apdexSatisfied);
        out.writeLong(a.apdexTolerating);
        out.writeLong(a.status2xx);
        out.writeLong(a.status3xx);
        out.writeLong(a.status4xx);
        out.writeLong(a.status5xx);
        out.writeLong(a.statusOther);
        out.writeLong(a.pairedCalls);
        out.writeLong(a.clientOnlyCalls);
        out.writeLong(a.serverOnlyCalls);
        out.writeLong(a.serverRetries);
        out.writeLong(a.mtlsCalls);
        out.writeLong(a.clientLatencySumMs);
        out.writeLong(a.serverLatencySumMs);
        out.writeLong(a.sides);
        out.writeLong(a.duplicateSides);
        out.writeLong(a.lateSides);
        out.writeLong(a.endpointOverflowCalls);
        out.writeLong(a.ignoredSpans);
        out.writeLong(a.firstSeen);
        out.writeLong(a.lastSeen);
        boolean connections = a.hasConnections();
        out.writeInt(connections ? a.kinds | WITH_CONNECTIONS : a.kinds);
        if (connections) {
            out.writeLong(a.clientConnections);
            out.writeLong(a.serverConnections);
            out.writeLong(a.failedConnections);
            out.writeLong(a.mtlsConnections);
            out.writeLong(a.clientSentBytes);
            out.writeLong(a.clientReceivedBytes);
            out.writeLong(a.serverSentBytes);
            out.writeLong(a.serverReceivedBytes);
            out.writeLong(a.durationSumMs);
            out.writeLong(a.durationMaxMs);
        }
        if (a.latencies == null && a.fewCount == 0) {
            out.writeInt(-1);
        } else if (a.latencies == null) {
            out.writeInt(-2 - a.fewCount);
            for (int i = 0; i < a.fewCount; i++) {
                out.writeInt(a.fewLatencies[i]);
            }
        } else {
            ByteBuffer buffer = encodeBuffer(a.latencies.getNeededByteBufferCapacity());
            int length = a.latencies.encodeIntoByteBuffer(buffer);
            out.writeInt(length);
            out.write(buffer.array(), 0, length);
        }
    }

    /** This thread's encoding buffer, cleared, with room for {@code capacity} bytes. */
    private static ByteBuffer encodeBuffer(int capacity) {
        ByteBuffer[] holder = ENCODE_BUFFER.get();
        if (holder[0].capacity() < capacity) {
            holder[0] = ByteBuffer.allocate(Math.max(capacity, 2 * holder[0].capacity()));
        }
        return holder[0].clear();
    }

    @Override
    public MetricsAccumulator deserialize(DataInputView in) throws IOException {
        MetricsAccumulator a = new MetricsAccumulator();
        a.calls = in.readLong();
        a.errors = in.readLong();
        a.latencySumMs = in.readLong();
        a.latencyMaxMs = in.readLong();
        a.apdexSatisfied = in.readLong();
        a.apdexTolerating = in.readLong();
        a.status2xx = in.readLong();
        a.status3xx = in.readLong();
        a.status4xx = in.readLong();
        a.status5xx = in.readLong();
        a.statusOther = in.readLong();
        a.pairedCalls = in.readLong();
        a.clientOnlyCalls = in.readLong();
        a.serverOnlyCalls = in.readLong();
        a.serverRetries = in.readLong();
        a.mtlsCalls = in.readLong();
        a.clientLatencySumMs = in.readLong();
        a.serverLatencySumMs = in.readLong();
        a.sides = in.readLong();
        a.duplicateSides = in.readLong();
        a.lateSides = in.readLong();
        a.endpointOverflowCalls = in.readLong();
        a.ignoredSpans = in.readLong();
        a.firstSeen = in.readLong();
        a.lastSeen = in.readLong();
        int kinds = in.readInt();
        a.kinds = kinds & ~WITH_CONNECTIONS;
        if ((kinds & WITH_CONNECTIONS) != 0) {
            a.clientConnections = in.readLong();
            a.serverConnections = in.readLong();
            a.failedConnections = in.readLong();
            a.mtlsConnections = in.readLong();
            a.clientSentBytes = in.readLong();
            a.clientReceivedBytes = in.readLong();
            a.serverSentBytes = in.readLong();
            a.serverReceivedBytes = in.readLong();
            a.durationSumMs = in.readLong();
            a.durationMaxMs = in.readLong();
        }
        int length = in.readInt();
        if (length < -1) {
            int few = -2 - length;
            a.fewLatencies = new int[MetricsAccumulator.fewLatenciesCapacity(few)];
            for (int i = 0; i < few; i++) {
                a.fewLatencies[i] = in.readInt();
            }
            a.fewCount = few;
        } else if (length >= 0) {
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            Histogram histogram = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
            histogram.setAutoResize(true);
            a.latencies = histogram;
        }
        return a;
    }

    @Override
    public MetricsAccumulator deserialize(MetricsAccumulator reuse, DataInputView in)
            throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<MetricsAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Snapshot of the serializer's format version, {@value #FORMAT}. A new format bumps it, and
     * {@link Snapshot#serializerForFormat} keeps a reader of each older one (see {@link
     * FormatVersionSnapshot}).
     */
    public static final class Snapshot extends FormatVersionSnapshot<MetricsAccumulator> {
        @Override
        protected int currentFormat() {
            return FORMAT;
        }

        @Override
        protected TypeSerializer<MetricsAccumulator> serializerForFormat(int format) {
            if (format == FORMAT || format == 1) {
                // one reader for both: format 1 is format 2 without rows of few latencies
                return INSTANCE;
            }
            throw new IllegalStateException("no reader of MetricsAccumulator format " + format);
        }
    }
}
