package io.meshflow.job.sources;

import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.SideBatch;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The built-in traffic: {@link MeshSimulator}'s requests, with a TCP connection after every {@value
 * MeshSimulator#REQUESTS_PER_CONNECTION} of them ({@link MeshSimulator#record}), serialized to the
 * wire format and decoded again like any other input, so the simulator exercises the same path as
 * Kafka and files.
 */
public final class SimulatorSource {
    private SimulatorSource() {}

    public static DataGeneratorSource<SideBatch> create(
            long requests, long seed, RecordDecoder decoder) {
        return new DataGeneratorSource<>(
                new Requests(seed, decoder),
                MeshSimulator.records(requests),
                TypeInformation.of(SideBatch.class));
    }

    private static final class Requests implements GeneratorFunction<Long, SideBatch> {
        private static final long serialVersionUID = 1L;
        private final MeshSimulator simulator;
        private final RecordDecoder decoder;

        Requests(long seed, RecordDecoder decoder) {
            this.simulator = new MeshSimulator(seed);
            this.decoder = decoder;
        }

        @Override
        public SideBatch map(Long n) {
            byte[] payload = simulator.record(n).toByteArray();
            return decoder.decode(payload, "generator/" + n, System.currentTimeMillis());
        }
    }
}
