package io.meshflow.decode.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one serialized {@code KeyValue} attribute (opentelemetry-proto {@code common/v1}) in place:
 * its key is compared as bytes, and its value is only read when the key is one that is wanted.
 */
final class KeyValueReader {
    private static final int KEY = SpanWalker.tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int VALUE = SpanWalker.tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    // AnyValue
    private static final int STRING_VALUE = SpanWalker.tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int INT_VALUE = SpanWalker.tag(3, WireFormat.WIRETYPE_VARINT);

    private byte[] buffer;
    private int keyAt;
    private int keyLength;
    private int valueAt;
    private int valueLength;

    /** Finds the key and the value of the attribute at that place. */
    KeyValueReader at(byte[] buffer, int at, int length) throws IOException {
        this.buffer = buffer;
        keyLength = 0;
        valueAt = -1;
        CodedInputStream in = CodedInputStream.newInstance(buffer, at, length);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == KEY) {
                keyLength = in.readRawVarint32();
                keyAt = at + in.getTotalBytesRead();
                in.skipRawBytes(keyLength);
            } else if (tag == VALUE) {
                valueLength = in.readRawVarint32();
                valueAt = at + in.getTotalBytesRead();
                in.skipRawBytes(valueLength);
            } else {
                in.skipField(tag);
            }
        }
        return this;
    }

    int keyLength() {
        return keyLength;
    }

    /** Whether the key is this one (given as its UTF-8 bytes). */
    boolean keyIs(byte[] key) {
        return keyLength == key.length
                && Arrays.equals(buffer, keyAt, keyAt + keyLength, key, 0, key.length);
    }

    /** A string value; "" for a value of another type. */
    String text() throws IOException {
        String text = "";
        if (valueAt < 0) {
            return text;
        }
        CodedInputStream in = CodedInputStream.newInstance(buffer, valueAt, valueLength);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == STRING_VALUE) {
                // a oneof: the last value given wins, as in protobuf's parsers
                text = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
                text = "";
            }
        }
        return text;
    }

    /**
     * An integer value, also from a string of digits (some instrumentations write status codes as
     * strings); 0 when it is neither or does not fit an int.
     */
    int number() throws IOException {
        int number = 0;
        if (valueAt < 0) {
            return number;
        }
        CodedInputStream in = CodedInputStream.newInstance(buffer, valueAt, valueLength);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == INT_VALUE) {
                long n = in.readInt64();
                number = n == (int) n ? (int) n : 0;
            } else if (tag == STRING_VALUE) {
                String s = in.readStringRequireUtf8();
                try {
                    number = Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    number = 0;
                }
            } else {
                in.skipField(tag);
                number = 0;
            }
        }
        return number;
    }

    static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
