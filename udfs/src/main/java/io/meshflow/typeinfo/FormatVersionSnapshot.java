package io.meshflow.typeinfo;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The snapshot of a hand-written serializer, versioned by the serializer's data format: it records
 * which format the state in a savepoint was written in, so that a later version of the job can read
 * it and migrate it.
 *
 * <p>How a format changes: the serializer writes the new format and bumps {@link #currentFormat()};
 * {@link #serializerForFormat} returns, for each older format, a serializer that reads it. Flink
 * then migrates restored state (read with the old, written with the new). A snapshot of a newer
 * format than this version knows is incompatible: the job refuses to start rather than misread the
 * state.
 *
 * <p>The snapshot's own layout: version {@value #SIMPLE_SNAPSHOT_VERSION} is what Flink's {@code
 * SimpleTypeSerializerSnapshot} wrote (nothing: format 1) in savepoints of the builds before;
 * version {@value #LAYOUT_VERSION} writes the format version as an int.
 */
public abstract class FormatVersionSnapshot<T> implements TypeSerializerSnapshot<T> {
    /** The layout {@code SimpleTypeSerializerSnapshot} wrote: empty, format 1. */
    private static final int SIMPLE_SNAPSHOT_VERSION = 3;

    /** This class's layout: the format version as an int. */
    private static final int LAYOUT_VERSION = 4;

    private int format = currentFormat();

    /** The version of the format the serializer writes now. */
    protected abstract int currentFormat();

    /**
     * A serializer that reads {@code format}: the current serializer for {@link #currentFormat()},
     * a reader of the old format for an older one.
     */
    protected abstract TypeSerializer<T> serializerForFormat(int format);

    /** The format the snapshotted state was written in. */
    public int format() {
        return format;
    }

    @Override
    public int getCurrentVersion() {
        return LAYOUT_VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(format);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        switch (readVersion) {
            case SIMPLE_SNAPSHOT_VERSION -> format = 1;
            case LAYOUT_VERSION -> format = in.readInt();
            default ->
                    throw new IOException(
                            getClass().getName() + ": unknown snapshot version " + readVersion);
        }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return serializerForFormat(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = ((FormatVersionSnapshot<T>) oldSnapshot).format;
        if (oldFormat == currentFormat()) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        if (oldFormat < currentFormat()) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
