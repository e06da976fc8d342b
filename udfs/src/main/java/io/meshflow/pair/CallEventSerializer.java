package io.meshflow.pair;

import io.meshflow.typeinfo.ExplicitTypeInfo;
import io.meshflow.typeinfo.FormatVersionSnapshot;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * Serializes {@link CallEvent}, the record every call crosses the endpoint cap's shuffle as. It
 * replaces Flink's reflective POJO serializer (a tenth of the pairing thread's time in issue 13's
 * profile, and a null mask and field per field on the wire). Events travel only between operators,
 * never in state; the format still has a version, as every serializer of the job does.
 *
 * <p>Format 1: the kind (its ordinal + 1; 0 for none) and the flags in two bytes, the call time;
 * then only what the kind carries: the sides' start times for everything but an ignored span, the
 * five names for calls, retries and TCP sides, the views for calls and retries, the connection's
 * numbers for a TCP side.
 */
public final class CallEventSerializer extends TypeSerializer<CallEvent> {
    private static final long serialVersionUID = 1L;

    public static final CallEventSerializer INSTANCE = new CallEventSerializer();

    static final int FORMAT = 1;

    private static final CallEvent.Kind[] KINDS = CallEvent.Kind.values();

    private static final int ENDPOINT_OVERFLOW = 1;
    private static final int NODE_SUCCESS = 2;
    private static final int EDGE_SUCCESS = 4;
    private static final int MTLS = 8;
    private static final int TCP_CLIENT = 16;
    private static final int TCP_FAILED = 32;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    /** Stateless: one instance serves every thread. */
    @Override
    public TypeSerializer<CallEvent> duplicate() {
        return this;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof CallEventSerializer;
    }

    @Override
    public int hashCode() {
        return CallEventSerializer.class.hashCode();
    }

    @Override
    public CallEvent createInstance() {
        return new CallEvent();
    }

    @Override
    public CallEvent copy(CallEvent from) {
        return from.copy();
    }

    @Override
    public CallEvent copy(CallEvent from, CallEvent reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(CallEvent e, DataOutputView out) throws IOException {
        out.writeByte(e.kind == null ? 0 : e.kind.ordinal() + 1);
        out.writeByte(
                (e.endpointOverflow ? ENDPOINT_OVERFLOW : 0)
                        | (e.nodeSuccess ? NODE_SUCCESS : 0)
                        | (e.edgeSuccess ? EDGE_SUCCESS : 0)
                        | (e.mtls ? MTLS : 0)
                        | (e.tcpClient ? TCP_CLIENT : 0)
                        | (e.tcpFailed ? TCP_FAILED : 0));
        out.writeLong(e.callTime);
        if (e.kind == null || e.kind == CallEvent.Kind.IGNORED) {
            return;
        }
        out.writeLong(e.clientStart);
        out.writeLong(e.serverStart);
        if (!hasNames(e.kind)) {
            return;
        }
        writeString(e.sourceService, out);
        writeString(e.sourceInstance, out);
        writeString(e.destService, out);
        writeString(e.destInstance, out);
        writeString(e.endpoint, out);
        if (e.kind == CallEvent.Kind.TCP) {
            out.writeLong(e.sentBytes);
            out.writeLong(e.receivedBytes);
            out.writeLong(e.durationMs);
        } else {
            out.writeInt(e.nodeLatency);
            out.writeInt(e.nodeResponseCode);
            out.writeInt(e.edgeLatency);
            out.writeInt(e.edgeResponseCode);
            out.writeInt(e.clientLatency);
            out.writeInt(e.serverLatency);
        }
    }

    @Override
    public CallEvent deserialize(DataInputView in) throws IOException {
        CallEvent e = new CallEvent();
        int kind = in.readByte();
        e.kind = kind == 0 ? null : KINDS[kind - 1];
        int flags = in.readByte();
        e.endpointOverflow = (flags & ENDPOINT_OVERFLOW) != 0;
        e.nodeSuccess = (flags & NODE_SUCCESS) != 0;
        e.edgeSuccess = (flags & EDGE_SUCCESS) != 0;
        e.mtls = (flags & MTLS) != 0;
        e.tcpClient = (flags & TCP_CLIENT) != 0;
        e.tcpFailed = (flags & TCP_FAILED) != 0;
        e.callTime = in.readLong();
        if (e.kind == null || e.kind == CallEvent.Kind.IGNORED) {
            return e;
        }
        e.clientStart = in.readLong();
        e.serverStart = in.readLong();
        if (!hasNames(e.kind)) {
            return e;
        }
        e.sourceService = readString(in);
        e.sourceInstance = readString(in);
        e.destService = readString(in);
        e.destInstance = readString(in);
        e.endpoint = readString(in);
        if (e.kind == CallEvent.Kind.TCP) {
            e.sentBytes = in.readLong();
            e.receivedBytes = in.readLong();
            e.durationMs = in.readLong();
        } else {
            e.nodeLatency = in.readInt();
            e.nodeResponseCode = in.readInt();
            e.edgeLatency = in.readInt();
            e.edgeResponseCode = in.readInt();
            e.clientLatency = in.readInt();
            e.serverLatency = in.readInt();
        }
        return e;
    }

    /** Duplicates and late sides carry only their times: they count in pipeline_stats alone. */
    private static boolean hasNames(CallEvent.Kind kind) {
        return kind != CallEvent.Kind.DUPLICATE && kind != CallEvent.Kind.LATE;
    }

    @Override
    public CallEvent deserialize(CallEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /** A name, null kept as null (a duplicate's names are never set). */
    private static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out);
    }

    private static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    @Override
    public TypeSerializerSnapshot<CallEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the serializer's format version, {@value #FORMAT}. */
    public static final class Snapshot extends FormatVersionSnapshot<CallEvent> {
        @Override
        protected int currentFormat() {
            return FORMAT;
        }

        @Override
        protected TypeSerializer<CallEvent> serializerForFormat(int format) {
            if (format == FORMAT) {
                return INSTANCE;
            }
            throw new IllegalStateException("no reader of CallEvent format " + format);
        }
    }

    /** Found by Flink through the {@code @TypeInfo} annotation on {@link CallEvent}. */
    public static final class Factory extends TypeInfoFactory<CallEvent> {
        @Override
        public TypeInformation<CallEvent> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> params) {
            return new ExplicitTypeInfo<>(CallEvent.class, INSTANCE);
        }
    }
}
