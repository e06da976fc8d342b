package io.meshflow.job.sources;

import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.Properties;

/**
 * The Kafka source of SPEC 1.2: each record value one ServiceMeshMetrics, decoded where it is read.
 */
public final class KafkaSides {
    private KafkaSides() {}

    public static KafkaSource<SideBatch> create(JobSettings settings) {
        var options = settings.options;
        Properties properties = settings.kafkaProperties();
        // Offsets are committed to Kafka on checkpoints, for monitoring and for `committed`
        // restarts; Flink's
        // own checkpoints are what recovery uses.
        properties.putIfAbsent("commit.offsets.on.checkpoint", "true");
        KafkaSourceBuilder<SideBatch> builder =
                KafkaSource.<SideBatch>builder()
                        .setBootstrapServers(options.get(MeshflowOptions.KAFKA_BOOTSTRAP_SERVERS))
                        .setTopics(options.get(MeshflowOptions.KAFKA_TOPIC))
                        .setGroupId(options.get(MeshflowOptions.KAFKA_GROUP_ID))
                        .setStartingOffsets(
                                startingOffsets(
                                        options.get(MeshflowOptions.KAFKA_STARTING_OFFSETS)))
                        .setDeserializer(new Deserializer(settings.decoder))
                        .setProperties(properties);
        if (options.get(MeshflowOptions.KAFKA_BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    static OffsetsInitializer startingOffsets(MeshflowOptions.StartingOffsets startingOffsets) {
        return switch (startingOffsets) {
            case committed -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case earliest -> OffsetsInitializer.earliest();
            case latest -> OffsetsInitializer.latest();
        };
    }

    /** Decodes each record; dead letters are named topic/partition/offset. */
    static final class Deserializer implements KafkaRecordDeserializationSchema<SideBatch> {
        private static final long serialVersionUID = 1L;
        private final RecordDecoder decoder;

        Deserializer(RecordDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SideBatch> out) {
            byte[] value = record.value() == null ? new byte[0] : record.value();
            String origin = record.topic() + "/" + record.partition() + "/" + record.offset();
            out.collect(decoder.decode(value, origin, System.currentTimeMillis()));
        }

        @Override
        public TypeInformation<SideBatch> getProducedType() {
            return TypeInformation.of(SideBatch.class);
        }
    }
}
