package io.meshflow.job.testing;

import com.google.protobuf.CodedOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes input files in the format of SPEC 1.2: each record a varint length, then its bytes. */
public final class ScenarioFile {
    private ScenarioFile() {}

    public static Path write(Path file, List<byte[]> records) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            for (byte[] record : records) {
                coded.writeUInt32NoTag(record.length);
                coded.writeRawBytes(record);
            }
            coded.flush();
        }
        return file;
    }
}
