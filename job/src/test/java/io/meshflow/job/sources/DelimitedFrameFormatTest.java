package io.meshflow.job.sources;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.skywalking.SideDecoder;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FileSystem;

import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every byte of a file is accounted for: in a decoded frame or in a dead letter, whatever the file
 * holds; after broken framing the reader finds the next frame.
 */
class DelimitedFrameFormatTest {
    private static final SideDecoder DECODER =
            new SideDecoder(new SideChecks(Duration.ofDays(36_500)));

    @TempDir Path dir;

    private final MeshSimulator simulator = new MeshSimulator(7);
    private final ByteArrayOutputStream file = new ByteArrayOutputStream();
    private final List<Long> frameStarts = new ArrayList<>();
    private int requests;

    @Test
    void aHugeLengthIsBrokenFramingAndTheFramesAfterItAreFound() throws Exception {
        frames(5);
        long broken = file.size();
        varint((1L << 62) + 7); // read as 32 bits, this used to be a length of 7
        garbage(100);
        frames(2_000);

        List<SideBatch> read = readAll();

        assertEveryByteAccountedFor(read);
        assertThat(decodedFrameStarts(read)).containsExactlyElementsOf(frameStarts);
        assertThat(deadLetters(read))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.origin).endsWith("@" + broken);
                            assertThat(d.reason).isEqualTo("bad-frame-length " + ((1L << 62) + 7));
                        });
    }

    @Test
    void aLengthJustOver32BitsIsNotReadAsASmallOne() throws Exception {
        frames(3);
        varint((1L << 32) + 40);
        frames(500);

        List<SideBatch> read = readAll();

        assertEveryByteAccountedFor(read);
        assertThat(decodedFrameStarts(read)).containsExactlyElementsOf(frameStarts);
        assertThat(deadLetters(read)).hasSize(1);
    }

    @Test
    void megabytesOfGarbageAreKeptInPiecesAndReadingGoesOn() throws Exception {
        frames(10);
        varint(80L << 20); // longer than any frame may be
        garbage(3_500_000);
        frames(10);

        List<SideBatch> read = readAll();

        assertEveryByteAccountedFor(read);
        assertThat(decodedFrameStarts(read)).containsExactlyElementsOf(frameStarts);
        assertThat(deadLetters(read))
                .hasSize(4)
                .allSatisfy(
                        d ->
                                assertThat(d.payload.length)
                                        .isLessThanOrEqualTo(
                                                DelimitedFrameFormat.MAX_DEAD_LETTER_BYTES));
    }

    @Test
    void aFileEndingInsideAFrameOrItsLengthKeepsTheRest() throws Exception {
        frames(20);
        byte[] frame = simulator.request(999).toByteArray();
        varint(frame.length);
        file.write(frame, 0, frame.length / 2);

        List<SideBatch> read = readAll();
        assertEveryByteAccountedFor(read);
        assertThat(decodedFrameStarts(read)).containsExactlyElementsOf(frameStarts);
        assertThat(deadLetters(read))
                .singleElement()
                .satisfies(d -> assertThat(d.reason).startsWith("truncated-frame"));

        file.reset();
        frameStarts.clear();
        frames(20);
        file.write(0x96); // a varint that never ends
        read = readAll();
        assertEveryByteAccountedFor(read);
        assertThat(deadLetters(read))
                .singleElement()
                .satisfies(d -> assertThat(d.reason).startsWith("truncated-frame"));
    }

    @Test
    void anUndecodableFrameIsOneDeadLetterAndTheNextFrameIsRead() throws Exception {
        frames(3);
        byte[] garbage = "\n\u007fnot a message".getBytes();
        varint(garbage.length);
        file.write(garbage);
        frames(3);

        List<SideBatch> read = readAll();

        assertEveryByteAccountedFor(read);
        assertThat(deadLetters(read))
                .singleElement()
                .satisfies(d -> assertThat(d.reason).startsWith(DeadLetter.UNDECODABLE));
        assertThat(decodedFrameStarts(read)).containsExactlyElementsOf(frameStarts);
    }

    @Test
    void aReaderRestoredWhileSearchingCutsTheBrokenBytesExactlyAsBefore() throws Exception {
        frames(4);
        varint(90L << 20);
        garbage(2_500_000);
        frames(4);
        List<SideBatch> whole = readAll();

        for (int stopAfter = 1; stopAfter < whole.size(); stopAfter++) {
            List<SideBatch> resumed = new ArrayList<>();
            CheckpointedPosition checkpoint;
            try (StreamFormat.Reader<SideBatch> reader = open(null)) {
                for (int i = 0; i < stopAfter; i++) {
                    resumed.add(reader.read());
                }
                checkpoint = reader.getCheckpointedPosition();
            }
            try (StreamFormat.Reader<SideBatch> reader = open(checkpoint)) {
                for (long skip = checkpoint.getRecordsAfterOffset(); skip > 0; skip--) {
                    reader.read();
                }
                for (SideBatch batch = reader.read(); batch != null; batch = reader.read()) {
                    resumed.add(batch);
                }
            }
            assertThat(origins(resumed)).as("stopped after " + stopAfter).isEqualTo(origins(whole));
        }
    }

    // --- the file being written

    private void frames(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            frameStarts.add((long) file.size());
            simulator.request(requests++).writeDelimitedTo(file);
        }
    }

    private void varint(long value) throws IOException {
        CodedOutputStream out = CodedOutputStream.newInstance(file);
        out.writeUInt64NoTag(value);
        out.flush();
    }

    private void garbage(int bytes) {
        byte[] noise = new byte[bytes];
        new Random(bytes).nextBytes(noise);
        file.write(noise, 0, noise.length);
    }

    // --- reading it

    private StreamFormat.Reader<SideBatch> open(CheckpointedPosition restoreAt) throws IOException {
        Path path = dir.resolve("frames.bin");
        if (!Files.exists(path) || Files.size(path) != file.size()) {
            Files.write(path, file.toByteArray());
        }
        var flinkPath = new org.apache.flink.core.fs.Path(path.toUri());
        var stream = FileSystem.getLocalFileSystem().open(flinkPath);
        DelimitedFrameFormat format = new DelimitedFrameFormat(path.toString(), DECODER);
        return restoreAt == null
                ? format.createReader(new Configuration(), stream, file.size(), file.size())
                : format.restoreReader(
                        new Configuration(),
                        stream,
                        restoreAt.getOffset(),
                        file.size(),
                        file.size());
    }

    private List<SideBatch> readAll() throws IOException {
        List<SideBatch> batches = new ArrayList<>();
        try (StreamFormat.Reader<SideBatch> reader = open(null)) {
            for (SideBatch batch = reader.read(); batch != null; batch = reader.read()) {
                batches.add(batch);
            }
        }
        return batches;
    }

    private static long offset(SideBatch batch) {
        return Long.parseLong(batch.origin.substring(batch.origin.lastIndexOf('@') + 1));
    }

    private static List<String> origins(List<SideBatch> batches) {
        return batches.stream()
                .map(b -> b.origin + "/" + b.sides.length + "/" + b.deadLetters.length)
                .toList();
    }

    private static List<Long> decodedFrameStarts(List<SideBatch> batches) {
        return batches.stream().filter(b -> b.sides.length > 0).map(b -> offset(b)).toList();
    }

    private static List<DeadLetter> deadLetters(List<SideBatch> batches) {
        return batches.stream().flatMap(b -> List.of(b.deadLetters).stream()).toList();
    }

    /** Batches follow each other without a gap or an overlap, from byte 0 to the file's end. */
    private void assertEveryByteAccountedFor(List<SideBatch> batches) {
        long expected = 0;
        for (SideBatch batch : batches) {
            assertThat(offset(batch))
                    .as("next batch starts where the last ended")
                    .isEqualTo(expected);
            if (batch.sides.length > 0
                    || batch.deadLetters.length == 0
                    || batch.deadLetters[0].reason.startsWith(DeadLetter.UNDECODABLE)) {
                expected +=
                        CodedOutputStream.computeUInt32SizeNoTag(batch.payload.length)
                                + batch.payload.length;
            } else {
                expected += batch.deadLetters[0].payload.length;
            }
        }
        assertThat(expected).as("bytes accounted for").isEqualTo(file.size());
    }
}
