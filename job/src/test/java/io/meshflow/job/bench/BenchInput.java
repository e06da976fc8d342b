package io.meshflow.job.bench;

import io.meshflow.decode.RecordDecoder;
import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.job.tools.SimulatedRecords;
import io.meshflow.sim.MeshSimulator;

import com.google.protobuf.CodedOutputStream;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The simulator's requests as the records a benchmark feeds the job: one report per record (one
 * side, or with OTLP one reporting instance's spans), or as exporters send them, 1 to 8 consecutive
 * reports per record. The sides are counted with the job's own decoder, so the benchmark knows when
 * the job has read them all.
 */
final class BenchInput {
    /** The largest batch of reports in one record. */
    static final int MAX_BATCH = 8;

    private final MeshSimulator simulator;
    private final InputFormat format;
    private final boolean batched;
    private final RecordDecoder decoder;

    long records;
    long sides;
    long bytes;

    BenchInput(
            MeshSimulator simulator, InputFormat format, boolean batched, RecordDecoder decoder) {
        this.simulator = simulator;
        this.format = format;
        this.batched = batched;
        this.decoder = decoder;
    }

    /** "records of 1-8 sides" or "one report per record", for the figures' headings. */
    static String describe(boolean batched) {
        return batched ? "records of 1-" + MAX_BATCH + " reports" : "one report per record";
    }

    /** Hands the records of requests 0 to {@code requests - 1} to {@code out}, in order. */
    void write(long requests, Consumer<byte[]> out) {
        SplittableRandom sizes = new SplittableRandom(requests);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(4096);
        int inBatch = 0;
        int batchSize = batched ? 1 + sizes.nextInt(MAX_BATCH) : 1;
        for (long n = 0; n < requests; n++) {
            for (byte[] report : SimulatedRecords.of(simulator.request(n), format)) {
                // Protobuf reads concatenated messages as one message with the repeated fields of
                // all: a batch of reports is their bytes one after another.
                batch.writeBytes(report);
                if (++inBatch == batchSize) {
                    emit(batch, out);
                    inBatch = 0;
                    batchSize = batched ? 1 + sizes.nextInt(MAX_BATCH) : 1;
                }
            }
        }
        if (inBatch > 0) {
            emit(batch, out);
        }
    }

    /** Writes the records to {@code file} length-delimited, as the job's --input reads them. */
    void writeFile(long requests, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream delimited = CodedOutputStream.newInstance(out);
            write(
                    requests,
                    record -> {
                        try {
                            delimited.writeUInt32NoTag(record.length);
                            delimited.writeRawBytes(record);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
            delimited.flush();
        }
    }

    private void emit(ByteArrayOutputStream batch, Consumer<byte[]> out) {
        byte[] record = batch.toByteArray();
        batch.reset();
        sides += decoder.decode(record, "bench", System.currentTimeMillis()).sides.length;
        records++;
        bytes += record.length;
        out.accept(record);
    }
}
