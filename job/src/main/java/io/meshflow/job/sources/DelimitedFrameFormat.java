package io.meshflow.job.sources;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.skywalking.SideDecoder;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;

import com.google.protobuf.CodedInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a file of length-delimited ServiceMeshMetrics frames (a varint length, then the message:
 * what protobuf-java's {@code writeDelimitedTo} writes) and decodes each frame where it is read. A
 * frame whose message does not decode becomes a dead letter named by its byte offset, and reading
 * goes on; a length that cannot be a frame's (the file is cut or not in this format) ends the file
 * with one dead letter holding the rest of it.
 */
public final class DelimitedFrameFormat implements StreamFormat<SideBatch> {
    private static final long serialVersionUID = 1L;

    /** No sane batch of sides is larger; a longer length means the framing is broken. */
    static final int MAX_FRAME_BYTES = 64 << 20;

    private final String fileName;

    /**
     * @param fileName the name dead letters give as their origin
     */
    public DelimitedFrameFormat(String fileName) {
        this.fileName = fileName;
    }

    @Override
    public Reader<SideBatch> createReader(
            Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) {
        return new FrameReader(stream, 0);
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
        return new FrameReader(stream, restoredOffset);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SideBatch> getProducedType() {
        return TypeInformation.of(SideBatch.class);
    }

    private final class FrameReader implements Reader<SideBatch> {
        private final FSDataInputStream stream;
        private final InputStream in;

        /** Byte offset of the next frame. */
        private long position;

        private boolean broken;

        FrameReader(FSDataInputStream stream, long position) {
            this.stream = stream;
            this.in = new BufferedInputStream(stream, 1 << 16);
            this.position = position;
        }

        @Override
        public SideBatch read() throws IOException {
            if (broken) {
                return null;
            }
            long frameStart = position;
            int first = in.read();
            if (first < 0) {
                return null;
            }
            String origin = fileName + "@" + frameStart;
            long now = System.currentTimeMillis();
            int length;
            try {
                length = CodedInputStream.readRawVarint32(first, in);
            } catch (IOException e) {
                return rest(origin, now, new byte[] {(byte) first}, "truncated-frame-length");
            }
            position += com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(length);
            if (length < 0 || length > MAX_FRAME_BYTES) {
                return rest(
                        origin,
                        now,
                        new byte[0],
                        "bad-frame-length " + Integer.toUnsignedString(length));
            }
            byte[] payload = in.readNBytes(length);
            position += payload.length;
            if (payload.length < length) {
                broken = true;
                return SideBatch.deadLetter(
                        new DeadLetter(
                                origin,
                                now,
                                origin,
                                "truncated-frame: " + payload.length + " of " + length + " bytes",
                                payload));
            }
            return SideDecoder.decode(payload, origin, now);
        }

        /** Keeps the rest of a file whose framing broke as one dead letter, then ends it. */
        private SideBatch rest(String origin, long now, byte[] head, String reason)
                throws IOException {
            broken = true;
            byte[] tail = in.readNBytes(MAX_FRAME_BYTES);
            byte[] payload = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, payload, head.length, tail.length);
            return SideBatch.deadLetter(new DeadLetter(origin, now, origin, reason, payload));
        }

        @Override
        public CheckpointedPosition getCheckpointedPosition() {
            return broken ? null : new CheckpointedPosition(position, 0);
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
