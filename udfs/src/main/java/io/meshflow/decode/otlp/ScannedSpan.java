package io.meshflow.decode.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/**
 * The fields of one span that make a side, as {@link SpanWalker} finds them: ids and the name stay
 * where they are in the record (offsets), numbers are read. One instance is reused for every span
 * of a record.
 */
final class ScannedSpan {
    private static final int TRACE_ID = SpanWalker.tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SPAN_ID = SpanWalker.tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int PARENT_SPAN_ID =
            SpanWalker.tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int NAME = SpanWalker.tag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int KIND = SpanWalker.tag(6, WireFormat.WIRETYPE_VARINT);
    private static final int START = SpanWalker.tag(7, WireFormat.WIRETYPE_FIXED64);
    private static final int END = SpanWalker.tag(8, WireFormat.WIRETYPE_FIXED64);
    private static final int ATTRIBUTES = SpanWalker.tag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int STATUS = SpanWalker.tag(15, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    // Status
    private static final int STATUS_CODE = SpanWalker.tag(3, WireFormat.WIRETYPE_VARINT);

    /** Span kinds (opentelemetry-proto {@code Span.SpanKind}). */
    static final int SERVER = 2;

    static final int CLIENT = 3;

    /** {@code Status.StatusCode.STATUS_CODE_ERROR}. */
    private static final int STATUS_ERROR = 2;

    /** Where the span's own bytes are in the record, and its position among the record's spans. */
    int at;

    int length;
    int index;

    int traceIdAt;
    int traceIdLength;
    int spanIdAt;
    int spanIdLength;
    int parentIdAt;
    int parentIdLength;

    /** The name field after its tag: length prefix and bytes; nameLength 0 when absent. */
    int nameAt;

    int nameLength;
    int kind;

    /** fixed64 on the wire: unsigned ns since epoch. */
    long startNanos;

    long endNanos;
    boolean error;
    final SpanAttributes attributes = new SpanAttributes();

    void read(byte[] buffer, int at, int length, int index) throws IOException {
        this.at = at;
        this.length = length;
        this.index = index;
        traceIdLength = 0;
        spanIdLength = 0;
        parentIdLength = 0;
        nameLength = 0;
        kind = 0;
        startNanos = 0;
        endNanos = 0;
        error = false;
        attributes.clear();
        CodedInputStream in = CodedInputStream.newInstance(buffer, at, length);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == TRACE_ID) {
                traceIdLength = in.readRawVarint32();
                traceIdAt = at + in.getTotalBytesRead();
                in.skipRawBytes(traceIdLength);
            } else if (tag == SPAN_ID) {
                spanIdLength = in.readRawVarint32();
                spanIdAt = at + in.getTotalBytesRead();
                in.skipRawBytes(spanIdLength);
            } else if (tag == PARENT_SPAN_ID) {
                parentIdLength = in.readRawVarint32();
                parentIdAt = at + in.getTotalBytesRead();
                in.skipRawBytes(parentIdLength);
            } else if (tag == NAME) {
                // kept with its length prefix: decoded (and its UTF-8 checked) only when needed
                nameAt = at + in.getTotalBytesRead();
                in.skipField(tag);
                nameLength = at + in.getTotalBytesRead() - nameAt;
            } else if (tag == KIND) {
                kind = in.readEnum();
            } else if (tag == START) {
                startNanos = in.readFixed64();
            } else if (tag == END) {
                endNanos = in.readFixed64();
            } else if (tag == ATTRIBUTES) {
                int attributeLength = in.readRawVarint32();
                int attributeAt = at + in.getTotalBytesRead();
                in.skipRawBytes(attributeLength);
                attributes.read(buffer, attributeAt, attributeLength);
            } else if (tag == STATUS) {
                int statusLength = in.readRawVarint32();
                int statusAt = at + in.getTotalBytesRead();
                in.skipRawBytes(statusLength);
                error = statusCode(buffer, statusAt, statusLength) == STATUS_ERROR;
            } else {
                in.skipField(tag);
            }
        }
        attributes.settle();
    }

    String name(byte[] buffer) throws IOException {
        return nameLength == 0
                ? ""
                : CodedInputStream.newInstance(buffer, nameAt, nameLength).readStringRequireUtf8();
    }

    boolean isCall() {
        return kind == CLIENT || kind == SERVER;
    }

    private static int statusCode(byte[] buffer, int at, int length) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(buffer, at, length);
        int code = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == STATUS_CODE) {
                code = in.readEnum();
            } else {
                in.skipField(tag);
            }
        }
        return code;
    }
}
