package io.meshflow.job.sources;

import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.MeshflowOptions.InputFormat;
import io.meshflow.sim.MeshSimulator;
import io.meshflow.sim.SpanRendering;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The built-in traffic: {@link MeshSimulator}'s requests, with a TCP connection after every {@value
 * MeshSimulator#REQUESTS_PER_CONNECTION} of them ({@link MeshSimulator#record}; OTLP spans carry
 * the requests only), serialized to the wire format and decoded again like any other input, so the
 * simulator exercises the same path as Kafka and files.
 */
public final class SimulatorSource {
    private SimulatorSource() {}

    /**
     * @param format the wire format requests are rendered in (SkyWalking sides, or OTLP spans),
     *     which {@code decoder} reads
     */
    public static DataGeneratorSource<SideBatch> create(
            long requests, long seed, InputFormat format, RecordDecoder decoder) {
        return new DataGeneratorSource<>(
                new Requests(seed, format, decoder),
                // spans carry HTTP requests only; SkyWalking's format their TCP connections too
                format == InputFormat.otlp ? requests : MeshSimulator.records(requests),
                TypeInformation.of(SideBatch.class));
    }

    private static final class Requests implements GeneratorFunction<Long, SideBatch> {
        private static final long serialVersionUID = 1L;
        private final MeshSimulator simulator;
        private final InputFormat format;
        private final RecordDecoder decoder;

        Requests(long seed, InputFormat format, RecordDecoder decoder) {
            this.simulator = new MeshSimulator(seed);
            this.format = format;
            this.decoder = decoder;
        }

        @Override
        public SideBatch map(Long n) {
            byte[] payload =
                    format == InputFormat.otlp
                            ? SpanRendering.request(simulator.request(n)).toByteArray()
                            : simulator.record(n).toByteArray();
            return decoder.decode(payload, "generator/" + n, System.currentTimeMillis());
        }
    }
}
