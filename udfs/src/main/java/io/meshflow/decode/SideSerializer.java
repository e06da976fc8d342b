package io.meshflow.decode;

import io.meshflow.typeinfo.ExplicitTypeInfo;
import io.meshflow.typeinfo.FormatVersionSnapshot;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serializes {@link Side}, the record every side crosses the pairing shuffle as (and pairing keeps
 * in state). Format version 1: strings as length-prefixed UTF-8, then the numbers and flags; a side
 * keyed by its request id alone (an OpenTelemetry span's, flag bit 8) has its span id after the
 * flags. A TCP side (flag bit 16) has its end time, bytes and error code last. A SkyWalking HTTP
 * side is written exactly as before these flags existed, so sides kept in state by an earlier
 * version read back unchanged.
 */
public final class SideSerializer extends TypeSerializer<Side> {
    private static final long serialVersionUID = 1L;

    public static final SideSerializer INSTANCE = new SideSerializer();

    /** Flag bit: the side is keyed by its request id alone, and its span id follows the flags. */
    private static final int KEYED_BY_REQUEST_ID = 8;

    /** The version of the format written now; see {@link Snapshot}. */
    static final int FORMAT = 1;

    /**
     * Flag bit: a TCP side; its end time, bytes sent and received and error code follow (after the
     * span id, if any).
     */
    private static final int TCP = 16;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    /** Stateless: one instance serves every thread. */
    @Override
    public TypeSerializer<Side> duplicate() {
        return this;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SideSerializer;
    }

    @Override
    public int hashCode() {
        return SideSerializer.class.hashCode();
    }

    @Override
    public Side createInstance() {
        return new Side();
    }

    @Override
    public Side copy(Side from) {
        return from.copy();
    }

    @Override
    public Side copy(Side from, Side reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Side s, DataOutputView out) throws IOException {
        writeString(s.requestId, out);
        writeString(s.sourceService, out);
        writeString(s.sourceInstance, out);
        writeString(s.destService, out);
        writeString(s.destInstance, out);
        writeString(s.endpoint, out);
        writeString(s.tlsMode, out);
        out.writeLong(s.startTime);
        out.writeInt(s.latency);
        out.writeInt(s.responseCode);
        out.writeInt(s.index);
        out.writeByte(
                (s.success ? 1 : 0)
                        | (s.client ? 2 : 0)
                        | (s.late ? 4 : 0)
                        | (s.keyedByRequestId ? KEYED_BY_REQUEST_ID : 0)
                        | (s.tcp ? TCP : 0));
        if (s.keyedByRequestId) {
            out.writeLong(s.spanId);
        }
        if (s.tcp) {
            out.writeLong(s.endTime);
            out.writeLong(s.sentBytes);
            out.writeLong(s.receivedBytes);
            writeString(s.internalErrorCode, out);
        }
    }

    @Override
    public Side deserialize(DataInputView in) throws IOException {
        Side s = new Side();
        // the request id is new with every request; the names repeat (NameCache)
        s.requestId = readString(in);
        NameCache names = NameCache.forThisThread();
        s.sourceService = names.read(in);
        s.sourceInstance = names.read(in);
        s.destService = names.read(in);
        s.destInstance = names.read(in);
        s.endpoint = names.read(in);
        s.tlsMode = names.read(in);
        s.startTime = in.readLong();
        s.latency = in.readInt();
        s.responseCode = in.readInt();
        s.index = in.readInt();
        int flags = in.readByte();
        s.success = (flags & 1) != 0;
        s.client = (flags & 2) != 0;
        s.late = (flags & 4) != 0;
        s.keyedByRequestId = (flags & KEYED_BY_REQUEST_ID) != 0;
        if (s.keyedByRequestId) {
            s.spanId = in.readLong();
        }
        s.tcp = (flags & TCP) != 0;
        if (s.tcp) {
            s.endTime = in.readLong();
            s.sentBytes = in.readLong();
            s.receivedBytes = in.readLong();
            s.internalErrorCode = readString(in);
        }
        return s;
    }

    @Override
    public Side deserialize(Side reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static void writeString(String s, DataOutputView out) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length == 0) {
            return "";
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public TypeSerializerSnapshot<Side> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Snapshot of the serializer's format version, {@value #FORMAT}. A new format bumps it, and
     * {@link Snapshot#serializerForFormat} keeps a reader of each older one (see {@link
     * FormatVersionSnapshot}).
     */
    public static final class Snapshot extends FormatVersionSnapshot<Side> {
        @Override
        protected int currentFormat() {
            return FORMAT;
        }

        @Override
        protected TypeSerializer<Side> serializerForFormat(int format) {
            if (format == FORMAT) {
                return INSTANCE;
            }
            throw new IllegalStateException("no reader of Side format " + format);
        }
    }

    /** Found by Flink through the {@code @TypeInfo} annotation on {@link Side}. */
    public static final class Factory extends TypeInfoFactory<Side> {
        @Override
        public TypeInformation<Side> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> params) {
            return new ExplicitTypeInfo<>(Side.class, INSTANCE);
        }
    }
}
