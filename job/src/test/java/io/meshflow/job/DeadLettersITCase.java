package io.meshflow.job;

import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Rows;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.test.junit5.MiniClusterExtension;

import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file full of bad input completes; everything bad is in dead_letters and every valid side is
 * counted.
 */
class DeadLettersITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir Path dir;

    @Test
    void badFramesAndInvalidSidesAreKeptAndEveryValidSideIsCounted() throws Exception {
        Path file = dir.resolve("mixed.bin");
        MeshSimulator simulator = new MeshSimulator(3);
        List<String> expectedDeadLetters = new ArrayList<>();
        long validSides = 0;
        try (OutputStream raw = Files.newOutputStream(file)) {
            CodedOutputStream out = CodedOutputStream.newInstance(raw);
            for (int n = 0; n < 2000; n++) {
                ServiceMeshMetrics request = simulator.request(n);
                if (n % 100 == 7) {
                    // an undecodable frame: the length is right, the bytes are not a message
                    expectedDeadLetters.add("undecodable@" + out.getTotalBytesWritten());
                    // field 1, length-delimited, 127 bytes long: more than there are
                    byte[] garbage = ("\n\u007fgarbage " + n).getBytes(StandardCharsets.US_ASCII);
                    out.writeUInt32NoTag(garbage.length);
                    out.writeRawBytes(garbage);
                }
                if (n % 150 == 11) {
                    // invalid sides inside an otherwise valid batch
                    HTTPServiceMeshMetric valid = request.getHttpMetrics().getMetrics(0);
                    long offset = out.getTotalBytesWritten();
                    request =
                            ServiceMeshMetrics.newBuilder()
                                    .setHttpMetrics(
                                            HTTPServiceMeshMetrics.newBuilder()
                                                    .addAllMetrics(
                                                            request.getHttpMetrics()
                                                                    .getMetricsList())
                                                    .addMetrics(valid.toBuilder().setStartTime(0))
                                                    .addMetrics(
                                                            valid.toBuilder()
                                                                    .setDestServiceName(""))
                                                    .addMetrics(valid.toBuilder().setLatency(-3)))
                                    .build();
                    int first = request.getHttpMetrics().getMetricsCount() - 3;
                    expectedDeadLetters.add("missing-start-time@" + offset + "#" + first);
                    expectedDeadLetters.add("missing-dest-service@" + offset + "#" + (first + 1));
                    expectedDeadLetters.add("negative-latency@" + offset + "#" + (first + 2));
                }
                validSides += request.getHttpMetrics().getMetricsCount();
                if (n % 150 == 11) {
                    validSides -= 3;
                }
                byte[] bytes = request.toByteArray();
                out.writeUInt32NoTag(bytes.length);
                out.writeRawBytes(bytes);
            }
            // The file ends in the middle of a frame.
            expectedDeadLetters.add("truncated-frame@" + out.getTotalBytesWritten());
            out.writeUInt32NoTag(500);
            out.writeRawBytes(new byte[20]);
            out.flush();
        }

        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        Runs.runOk("--input", file.toString(), "--jdbc.url", url, "--parallelism", "2");

        List<String> deadLetters =
                Rows.query(url, "SELECT reason, id FROM dead_letters").stream()
                        .map(
                                r ->
                                        ((String) r.get("reason")).replaceAll("[: ].*", "")
                                                + ((String) r.get("id"))
                                                        .substring(file.toString().length())
                                                        .replaceFirst("~[0-9a-f]{8}$", ""))
                        .toList();
        assertThat(deadLetters).containsExactlyInAnyOrderElementsOf(expectedDeadLetters);
        assertThat(
                        Rows.count(
                                url,
                                "SELECT COUNT(*) FROM dead_letters WHERE origin NOT LIKE '"
                                        + file
                                        + "@%'"))
                .isZero();

        long counted =
                Rows.count(url, "SELECT SUM(sides) FROM pipeline_stats WHERE granularity = 'day'");
        assertThat(counted)
                .as("every valid side counted: in a call, as a duplicate or as late")
                .isEqualTo(validSides);

        // The same file again, its path spelled another way: the same dead letters, not new ones.
        Path sameFile = dir.resolve(".").resolve("sub").resolve("..").resolve(file.getFileName());
        Files.createDirectories(dir.resolve("sub"));
        Runs.runOk("--input", sameFile.toString(), "--jdbc.url", url, "--parallelism", "2");
        assertThat(Rows.count(url, "SELECT COUNT(*) FROM dead_letters"))
                .isEqualTo(expectedDeadLetters.size());
    }
}
