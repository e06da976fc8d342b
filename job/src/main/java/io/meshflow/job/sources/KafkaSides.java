package io.meshflow.job.sources;

import io.meshflow.decode.RecordDecoder;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.KafkaSettings;
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

    /**
     * @param decoder the records' format
     */
    public static KafkaSource<SideBatch> create(KafkaSettings settings, RecordDecoder decoder) {
        Properties properties = settings.clientProperties();
        // Offsets are committed to Kafka on checkpoints, for monitoring and for `committed`
        // restarts; Flink's
        // own checkpoints are what recovery uses.
        properties.putIfAbsent("commit.offsets.on.checkpoint", "true");
        KafkaSourceBuilder<SideBatch> builder =
                KafkaSource.<SideBatch>builder()
                        .setBootstrapServers(settings.bootstrapServers())
                        .setTopics(settings.topic())
                        .setGroupId(settings.groupId())
                        .setStartingOffsets(startingOffsets(settings.startingOffsets()))
                        .setDeserializer(new Deserializer(decoder))
                        .setProperties(properties);
        if (settings.bounded()) {
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
