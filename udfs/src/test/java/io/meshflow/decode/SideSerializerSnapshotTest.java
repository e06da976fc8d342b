package io.meshflow.decode;

import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the snapshot of a savepoint's sides says, and what a later version makes of it. */
class SideSerializerSnapshotTest {
    private static final ClassLoader LOADER = SideSerializerSnapshotTest.class.getClassLoader();

    @Test
    void aSnapshotOfTheFirstReleaseIsFormatOneAndRestoresAsIs() throws IOException {
        // Version 0.1.0 wrote Flink's SimpleTypeSerializerSnapshot under this class name: version
        // 3, no content.
        SideSerializer.Snapshot old = new SideSerializer.Snapshot();
        old.readSnapshot(3, new DataInputDeserializer(new byte[0]), LOADER);

        assertThat(old.format()).isEqualTo(1);
        assertThat(compatibility(old).isCompatibleAsIs()).isTrue();
        assertThat(old.restoreSerializer()).isSameAs(SideSerializer.INSTANCE);
    }

    @Test
    void theFormatVersionIsWrittenAndReadBack() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(8);
        SideSerializer.Snapshot written = new SideSerializer.Snapshot();
        written.writeSnapshot(out);

        SideSerializer.Snapshot read = new SideSerializer.Snapshot();
        read.readSnapshot(
                written.getCurrentVersion(),
                new DataInputDeserializer(out.getCopyOfBuffer()),
                LOADER);
        assertThat(read.format()).isEqualTo(SideSerializer.FORMAT);
        assertThat(compatibility(read).isCompatibleAsIs()).isTrue();
    }

    @Test
    void stateOfAFormatThisVersionDoesNotKnowIsRefused() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(8);
        out.writeInt(SideSerializer.FORMAT + 1);
        SideSerializer.Snapshot newer = new SideSerializer.Snapshot();
        newer.readSnapshot(
                new SideSerializer.Snapshot().getCurrentVersion(),
                new DataInputDeserializer(out.getCopyOfBuffer()),
                LOADER);

        assertThat(compatibility(newer).isIncompatible()).isTrue();
        assertThatThrownBy(newer::restoreSerializer).isInstanceOf(IllegalStateException.class);
    }

    private static TypeSerializerSchemaCompatibility<Side> compatibility(
            SideSerializer.Snapshot old) {
        return SideSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old);
    }
}
