package io.meshflow.decode.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/**
 * Walks the spans of one serialized OTLP {@code ExportTraceServiceRequest} (wire-identical to
 * {@code TracesData}) without building its object tree: the fields a side needs are read where they
 * lie in the record, and everything else (events, links, other attributes) is skipped unread. That
 * is what makes decoding spans cheap: a span carries many attributes, a side needs a few.
 *
 * <p>Field numbers are those of opentelemetry-proto's {@code trace/v1}, {@code common/v1} and
 * {@code resource/v1}. As protobuf's own parsers do, a field with an unexpected wire type is
 * skipped as unknown, the last occurrence of a singular field wins, and the strings read must be
 * UTF-8. Bytes inside fields it skips are not looked at.
 */
final class SpanWalker {

    /** Called for every span, in order; returns false to stop the walk. */
    interface Visitor {
        boolean span(SpanWalker walker, ScannedSpan span) throws IOException;
    }

    // ExportTraceServiceRequest / TracesData
    private static final int RESOURCE_SPANS = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    // ResourceSpans
    private static final int RESOURCE = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SCOPE_SPANS = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SCHEMA_URL = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    // ScopeSpans
    private static final int SCOPE = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SPANS = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    final byte[] buffer;

    /** Position of each part of the current resource and scope in the buffer; -1 when absent. */
    private int resourceAt = -1;

    private int resourceLength;
    private int resourceSchemaAt = -1;
    private int resourceSchemaLength;
    private int scopeAt = -1;
    private int scopeLength;
    private int scopeSchemaAt = -1;
    private int scopeSchemaLength;
    private ResourceNames names;

    private final ScannedSpan span = new ScannedSpan();

    SpanWalker(byte[] buffer) {
        this.buffer = buffer;
    }

    /**
     * Visits every span.
     *
     * @return how many spans there were (up to where the visitor stopped)
     */
    int walk(Visitor visitor) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(buffer);
        int index = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag != RESOURCE_SPANS) {
                in.skipField(tag);
                continue;
            }
            int length = in.readRawVarint32();
            int at = in.getTotalBytesRead();
            in.skipRawBytes(length);
            index = resourceSpans(at, length, index, visitor);
            if (index < 0) {
                return -index - 1;
            }
        }
        return index;
    }

    /** Returns the index after the last span, or -(index + 1) when the visitor stopped. */
    private int resourceSpans(int at, int length, int index, Visitor visitor) throws IOException {
        // the resource may come after its spans on the wire: find it first, reading only tags
        resourceAt = -1;
        resourceSchemaAt = -1;
        names = null;
        CodedInputStream in = CodedInputStream.newInstance(buffer, at, length);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == RESOURCE) {
                resourceLength = in.readRawVarint32();
                resourceAt = at + in.getTotalBytesRead();
                in.skipRawBytes(resourceLength);
            } else if (tag == SCHEMA_URL) {
                resourceSchemaLength = in.readRawVarint32();
                resourceSchemaAt = at + in.getTotalBytesRead();
                in.skipRawBytes(resourceSchemaLength);
            } else {
                in.skipField(tag);
            }
        }
        in = CodedInputStream.newInstance(buffer, at, length);
        while ((tag = in.readTag()) != 0) {
            if (tag != SCOPE_SPANS) {
                in.skipField(tag);
                continue;
            }
            int scopeSpansLength = in.readRawVarint32();
            int scopeSpansAt = at + in.getTotalBytesRead();
            in.skipRawBytes(scopeSpansLength);
            index = scopeSpans(scopeSpansAt, scopeSpansLength, index, visitor);
            if (index < 0) {
                return index;
            }
        }
        return index;
    }

    private int scopeSpans(int at, int length, int index, Visitor visitor) throws IOException {
        scopeAt = -1;
        scopeSchemaAt = -1;
        CodedInputStream in = CodedInputStream.newInstance(buffer, at, length);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SCOPE) {
                scopeLength = in.readRawVarint32();
                scopeAt = at + in.getTotalBytesRead();
                in.skipRawBytes(scopeLength);
            } else if (tag == SCHEMA_URL) {
                scopeSchemaLength = in.readRawVarint32();
                scopeSchemaAt = at + in.getTotalBytesRead();
                in.skipRawBytes(scopeSchemaLength);
            } else {
                in.skipField(tag);
            }
        }
        in = CodedInputStream.newInstance(buffer, at, length);
        while ((tag = in.readTag()) != 0) {
            if (tag != SPANS) {
                in.skipField(tag);
                continue;
            }
            int spanLength = in.readRawVarint32();
            int spanAt = at + in.getTotalBytesRead();
            in.skipRawBytes(spanLength);
            span.read(buffer, spanAt, spanLength, index);
            if (!visitor.span(this, span)) {
                return -index - 1;
            }
            index++;
        }
        return index;
    }

    /** The current span's resource: its service and instance, read once per resource. */
    ResourceNames names() throws IOException {
        if (names == null) {
            names =
                    resourceAt < 0
                            ? ResourceNames.NONE
                            : ResourceNames.read(buffer, resourceAt, resourceLength);
        }
        return names;
    }

    /**
     * An {@code ExportTraceServiceRequest} holding just this span, with its resource and scope (and
     * their schema URLs): their bytes exactly as they came.
     */
    byte[] justThisSpan(ScannedSpan span) {
        int scopeSpans =
                field(SCOPE, scopeAt, scopeLength)
                        + field(SPANS, span.at, span.length)
                        + field(SCHEMA_URL, scopeSchemaAt, scopeSchemaLength);
        int resourceSpans =
                field(RESOURCE, resourceAt, resourceLength)
                        + CodedOutputStream.computeTagSize(2)
                        + CodedOutputStream.computeUInt32SizeNoTag(scopeSpans)
                        + scopeSpans
                        + field(SCHEMA_URL, resourceSchemaAt, resourceSchemaLength);
        byte[] out =
                new byte
                        [CodedOutputStream.computeTagSize(1)
                                + CodedOutputStream.computeUInt32SizeNoTag(resourceSpans)
                                + resourceSpans];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            o.writeUInt32NoTag(RESOURCE_SPANS);
            o.writeUInt32NoTag(resourceSpans);
            write(o, RESOURCE, resourceAt, resourceLength);
            o.writeUInt32NoTag(SCOPE_SPANS);
            o.writeUInt32NoTag(scopeSpans);
            write(o, SCOPE, scopeAt, scopeLength);
            write(o, SPANS, span.at, span.length);
            write(o, SCHEMA_URL, scopeSchemaAt, scopeSchemaLength);
            write(o, SCHEMA_URL, resourceSchemaAt, resourceSchemaLength);
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("sized wrongly", e);
        }
        return out;
    }

    private static int field(int tag, int at, int length) {
        return at < 0
                ? 0
                : CodedOutputStream.computeUInt32SizeNoTag(tag)
                        + CodedOutputStream.computeUInt32SizeNoTag(length)
                        + length;
    }

    private void write(CodedOutputStream o, int tag, int at, int length) throws IOException {
        if (at >= 0) {
            o.writeUInt32NoTag(tag);
            o.writeUInt32NoTag(length);
            o.writeRawBytes(buffer, at, length);
        }
    }

    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }
}
