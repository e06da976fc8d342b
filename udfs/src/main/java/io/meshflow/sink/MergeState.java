package io.meshflow.sink;

import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.MetricsAccumulatorSerializer;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A row's {@code merge_state}: its whole {@link MetricsAccumulator} (counters and latency
 * histogram), from which every column of the row derives, so that {@code --write-mode merge} can
 * add a later run's calls to it exactly. Encoded as the accumulator's versioned serializer writes
 * it, after its snapshot (the layout version and the data format), so a later meshflow reads the
 * states of this one the way it reads old savepoints.
 */
public final class MergeState {
    private MergeState() {}

    public static byte[] encode(MetricsAccumulator metrics) {
        DataOutputSerializer out = new DataOutputSerializer(256);
        try {
            MetricsAccumulatorSerializer.Snapshot snapshot =
                    new MetricsAccumulatorSerializer.Snapshot();
            out.writeInt(snapshot.getCurrentVersion());
            snapshot.writeSnapshot(out);
            MetricsAccumulatorSerializer.INSTANCE.serialize(metrics, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.getCopyOfBuffer();
    }

    public static MetricsAccumulator decode(byte[] state) {
        DataInputDeserializer in = new DataInputDeserializer(state);
        try {
            MetricsAccumulatorSerializer.Snapshot snapshot =
                    new MetricsAccumulatorSerializer.Snapshot();
            snapshot.readSnapshot(in.readInt(), in, MergeState.class.getClassLoader());
            TypeSerializer<MetricsAccumulator> serializer = snapshot.restoreSerializer();
            return serializer.deserialize(in);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable merge_state", e);
        }
    }
}
