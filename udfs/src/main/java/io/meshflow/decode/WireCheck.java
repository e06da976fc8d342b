package io.meshflow.decode;

import java.io.IOException;
import java.io.InputStream;

/**
 * A walk over the protobuf wire format that throws nothing and builds nothing: whether bytes are a
 * well-formed sequence of fields holding one of the expected length-delimited fields. Looking for
 * the next frame in a broken file asks this of every offset, so garbage must be turned away in a
 * few bytes and without the cost of a parser's exception.
 */
public final class WireCheck {
    private WireCheck() {}

    /**
     * True when the {@code length} bytes are whole protobuf fields (tags with a field number and a
     * known wire type, values within the bytes) and at least one of them is a length-delimited
     * field numbered {@code firstExpected} to {@code lastExpected}.
     */
    public static boolean wellFormed(
            InputStream in, long length, int firstExpected, int lastExpected) throws IOException {
        long read = 0;
        boolean expected = false;
        while (read < length) {
            long tag = varint(in);
            if (tag < 0) {
                return false;
            }
            read += size(tag);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (field == 0 || tag >>> 3 > 0x1FFFFFFF) {
                return false;
            }
            long value;
            switch (wireType) {
                case 0 -> {
                    value = varint(in);
                    if (value == -1) {
                        return false;
                    }
                    read += size(value);
                }
                case 1 -> read += skip(in, 8);
                case 5 -> read += skip(in, 4);
                case 2 -> {
                    long size = varint(in);
                    if (size < 0 || size > length - read) {
                        return false;
                    }
                    read += size(size) + skip(in, size);
                    expected |= field >= firstExpected && field <= lastExpected;
                }
                default -> {
                    return false;
                }
            }
            if (read > length) {
                return false;
            }
        }
        return expected && read == length;
    }

    /**
     * A varint, or -1 when the bytes end or it runs over ten bytes (a negative int64 is -1 too).
     */
    private static long varint(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    private static int size(long varint) {
        if (varint < 0) {
            return 10;
        }
        int size = 1;
        while (varint >= 0x80) {
            varint >>>= 7;
            size++;
        }
        return size;
    }

    /** Skips {@code n} bytes; returns n, or more than any length when the bytes end first. */
    private static long skip(InputStream in, long n) throws IOException {
        long skipped = in.skip(n);
        return skipped == n ? n : Long.MAX_VALUE / 2;
    }
}
