package io.meshflow.job.sources;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.SideBatch;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.IOException;

/**
 * Reads a file of length-delimited records (a varint length, then the message: what protobuf-java's
 * {@code writeDelimitedTo} writes) and decodes each frame where it is read.
 *
 * <p>Every byte of the file is accounted for. A frame whose message does not decode becomes a dead
 * letter named by its byte offset, and reading goes on after it. A length that cannot be a frame's
 * (longer than {@value #MAX_FRAME_BYTES} bytes or than the rest of the file, or no varint at all)
 * is a broken framing: the reader looks for the next offset where a whole record of the format
 * starts, and keeps the bytes in between as dead letters of at most {@value #MAX_DEAD_LETTER_BYTES}
 * bytes each. Lengths are read as 64-bit varints, so a huge length is never mistaken for a small
 * one.
 */
public final class DelimitedFrameFormat implements StreamFormat<SideBatch> {
    private static final long serialVersionUID = 1L;

    /** No sane batch of sides is larger; a longer length means the framing is broken. */
    static final int MAX_FRAME_BYTES = 64 << 20;

    /** Bytes outside any frame are kept in dead letters of at most this size. */
    static final int MAX_DEAD_LETTER_BYTES = 1 << 20;

    static final String BAD_FRAME_LENGTH = "bad-frame-length";
    static final String TRUNCATED_FRAME = "truncated-frame";
    static final String UNFRAMED_BYTES = "unframed-bytes";

    private final String fileName;
    private final RecordDecoder decoder;

    /**
     * @param fileName the name dead letters give as their origin: the file's real path, so that the
     *     same file however its path was typed gives the same dead-letter ids
     * @param decoder the records' format
     */
    public DelimitedFrameFormat(String fileName, RecordDecoder decoder) {
        this.fileName = fileName;
        this.decoder = decoder;
    }

    @Override
    public Reader<SideBatch> createReader(
            Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) {
        return new FrameReader(stream, 0, fileLen);
    }

    @Override
    public Reader<SideBatch> restoreReader(
            Configuration config,
            FSDataInputStream stream,
            long restoredOffset,
            long fileLen,
            long splitEnd)
            throws IOException {
        stream.seek(restoredOffset);
        return new FrameReader(stream, restoredOffset, fileLen);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SideBatch> getProducedType() {
        return TypeInformation.of(SideBatch.class);
    }

    /** A frame's header as read ahead: its length, or why it cannot be a frame. */
    private record Header(int size, long length, String problem) {}

    private final class FrameReader implements Reader<SideBatch> {
        private final FSDataInputStream stream;
        private final Lookahead in;
        private final long fileLen;

        /** Byte offset of the next byte to read. */
        private long position;

        /** True while the framing is broken: the reader is looking for the next frame. */
        private boolean searching;

        /** Where the framing broke, and how many dead letters of it were read since. */
        private long brokenAt;

        private int deadLettersSinceBroken;

        FrameReader(FSDataInputStream stream, long position, long fileLen) {
            this.stream = stream;
            this.in = new Lookahead(stream);
            this.position = position;
            this.fileLen = fileLen;
        }

        @Override
        public SideBatch read() throws IOException {
            if (in.fill(1) == 0) {
                return null;
            }
            String origin = fileName + "@" + position;
            long now = System.currentTimeMillis();
            if (searching) {
                if (startsFrame(0)) {
                    searching = false;
                } else {
                    deadLettersSinceBroken++;
                    return unframed(origin, now, UNFRAMED_BYTES);
                }
            }
            Header header = headerAt(0);
            if (header.problem != null) {
                searching = true;
                brokenAt = position;
                deadLettersSinceBroken = 1;
                return unframed(origin, now, header.problem);
            }
            int frame = header.size + (int) header.length;
            in.fill(frame);
            byte[] payload = in.copy(header.size, (int) header.length);
            consume(frame);
            return decoder.decode(payload, origin, now);
        }

        /**
         * Reads the frame header {@code ahead} bytes ahead: a length that fits in the rest of the
         * file and under the maximum, or the problem.
         */
        private Header headerAt(int ahead) throws IOException {
            int there = in.fill(ahead + 10) - ahead;
            long length = 0;
            for (int i = 0; i < 10; i++) {
                if (i >= there) {
                    return new Header(i, 0, TRUNCATED_FRAME + ": the file ends in a frame length");
                }
                int b = in.at(ahead + i);
                length |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    long rest = fileLen - (position + ahead + i + 1);
                    if (Long.compareUnsigned(length, MAX_FRAME_BYTES) > 0) {
                        return new Header(
                                i + 1,
                                length,
                                BAD_FRAME_LENGTH + " " + Long.toUnsignedString(length));
                    }
                    if (length > rest) {
                        return new Header(
                                i + 1,
                                length,
                                TRUNCATED_FRAME + ": " + length + " bytes, " + rest + " left");
                    }
                    return new Header(i + 1, length, null);
                }
            }
            return new Header(10, 0, BAD_FRAME_LENGTH + ": no varint");
        }

        /**
         * Keeps the bytes from here (where no frame starts) to the next frame as a dead letter of
         * at most {@link #MAX_DEAD_LETTER_BYTES}; the search goes on with the next read when no
         * frame starts within that.
         */
        private SideBatch unframed(String origin, long now, String reason) throws IOException {
            int length = 1;
            while (length < MAX_DEAD_LETTER_BYTES) {
                if (in.fill(length + 1) <= length) {
                    break; // the end of the file
                }
                if (startsFrame(length)) {
                    searching = false;
                    break;
                }
                length++;
            }
            byte[] payload = in.copy(0, length);
            consume(length);
            return SideBatch.deadLetter(new DeadLetter(origin, now, origin, reason, payload));
        }

        /** Whether a whole, well-formed record of the format starts {@code ahead} bytes ahead. */
        private boolean startsFrame(int ahead) throws IOException {
            Header header = headerAt(ahead);
            return header.problem == null
                    && header.length > 0
                    && decoder.isRecord(
                            in.view(ahead + header.size, (int) header.length), (int) header.length);
        }

        private void consume(int bytes) {
            in.skip(bytes);
            position += bytes;
        }

        @Override
        public CheckpointedPosition getCheckpointedPosition() {
            // While searching, a restored reader starts again where the framing broke and skips the
            // dead letters already read, so it cuts the broken bytes exactly as before.
            return searching
                    ? new CheckpointedPosition(brokenAt, deadLettersSinceBroken)
                    : new CheckpointedPosition(position, 0);
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
