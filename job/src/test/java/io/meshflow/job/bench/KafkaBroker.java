package io.meshflow.job.bench;

import io.meshflow.job.testing.Kafka;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Kafka broker (KRaft, one combined node, from Kafka's test kit: the tests' {@link Kafka}
 * fixture) in a JVM of its own, for the benchmarks: the job then shares the machine with the broker
 * as it would on one host, but not its heap or its JIT. Writes the bootstrap servers to FILE once
 * the broker is ready and runs until the process is stopped.
 *
 * <pre>
 * java ... io.meshflow.job.bench.KafkaBroker FILE
 * </pre>
 */
public final class KafkaBroker {
    private KafkaBroker() {}

    public static void main(String[] args) throws Exception {
        String bootstrapServers = Kafka.bootstrapServers();
        Runtime.getRuntime().addShutdownHook(new Thread(Kafka::close));
        Path file = Path.of(args[0]);
        Path written = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(written, bootstrapServers);
        // whoever waits for the file sees it whole
        Files.move(written, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("kafka broker ready at " + bootstrapServers);
        Thread.currentThread().join();
    }
}
