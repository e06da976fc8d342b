package io.meshflow.job.sources;

import io.meshflow.decode.SideBatch;
import io.meshflow.decode.skywalking.SideDecoder;
import io.meshflow.sim.MeshSimulator;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The built-in traffic: {@link MeshSimulator}'s requests, serialized to the wire format and decoded
 * again like any other input, so the simulator exercises the same path as Kafka and files.
 */
public final class SimulatorSource {
    private SimulatorSource() {}

    public static DataGeneratorSource<SideBatch> create(long requests, long seed) {
        return new DataGeneratorSource<>(
                new Requests(seed), requests, TypeInformation.of(SideBatch.class));
    }

    private static final class Requests implements GeneratorFunction<Long, SideBatch> {
        private static final long serialVersionUID = 1L;
        private final MeshSimulator simulator;

        Requests(long seed) {
            this.simulator = new MeshSimulator(seed);
        }

        @Override
        public SideBatch map(Long n) {
            byte[] payload = simulator.request(n).toByteArray();
            return SideDecoder.decode(payload, "generator/" + n, System.currentTimeMillis());
        }
    }
}
