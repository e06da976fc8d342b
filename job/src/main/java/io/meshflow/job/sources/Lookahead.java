package io.meshflow.job.sources;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The bytes of a stream, buffered with as much lookahead as asked for: a frame reader can look at a
 * candidate frame many bytes ahead and still consume the stream byte by byte.
 */
final class Lookahead {
    private final InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private boolean eof;

    Lookahead(InputStream in) {
        this.in = in;
    }

    /** Buffers up to {@code n} bytes ahead; returns how many are there (fewer only at the end). */
    int fill(int n) throws IOException {
        while (end - start < n && !eof) {
            if (buffer.length - start < n) {
                // compact, and grow when the lookahead itself is larger than the buffer
                byte[] target =
                        n > buffer.length ? new byte[Math.max(n, buffer.length * 2)] : buffer;
                System.arraycopy(buffer, start, target, 0, end - start);
                buffer = target;
                end -= start;
                start = 0;
            }
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                eof = true;
            } else {
                end += read;
            }
        }
        return Math.min(n, end - start);
    }

    /** The byte {@code i} ahead; it must have been filled. */
    int at(int i) {
        return buffer[start + i] & 0xff;
    }

    /** A copy of {@code length} filled bytes from {@code from} ahead. */
    byte[] copy(int from, int length) {
        return Arrays.copyOfRange(buffer, start + from, start + from + length);
    }

    /** Consumes {@code n} filled bytes. */
    void skip(int n) {
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    /**
     * The bytes {@code from} to {@code from + length} ahead as a stream that fills only as far as
     * it is read, in pieces that start small: checking a candidate frame that is garbage stops
     * after its first bad bytes without copying kilobytes first.
     */
    InputStream view(int from, int length) {
        return new InputStream() {
            private int position;
            private int mark;
            private int piece = 16;

            @Override
            public boolean markSupported() {
                return true;
            }

            @Override
            public void mark(int readLimit) {
                mark = position;
            }

            @Override
            public void reset() {
                position = mark;
            }

            @Override
            public long skip(long n) throws IOException {
                int wanted = (int) Math.min(n, length - position);
                if (wanted <= 0) {
                    return 0;
                }
                int there = fill(from + position + wanted) - from - position;
                position += Math.max(there, 0);
                return Math.max(there, 0);
            }

            @Override
            public int read() throws IOException {
                if (position >= length || fill(from + position + 1) <= from + position) {
                    return -1;
                }
                return at(from + position++);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int wanted = Math.min(Math.min(len, piece), length - position);
                if (wanted <= 0) {
                    return -1;
                }
                piece = Math.min(piece * 2, 1 << 16);
                int there = fill(from + position + wanted) - from - position;
                if (there <= 0) {
                    return -1;
                }
                System.arraycopy(buffer, start + from + position, b, off, there);
                position += there;
                return there;
            }
        };
    }
}
