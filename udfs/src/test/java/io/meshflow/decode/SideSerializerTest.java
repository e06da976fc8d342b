package io.meshflow.decode;

import io.meshflow.testing.Sides;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SideSerializerTest {

    private static byte[] write(Side side) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SideSerializer.INSTANCE.serialize(side, out);
        return out.getCopyOfBuffer();
    }

    private static Side read(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        Side side = SideSerializer.INSTANCE.deserialize(in);
        assertThat(in.available()).as("every byte read, no more").isZero();
        return side;
    }

    private static Side spanSide() {
        Side side =
                Sides.server("0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331", "", "ratings")
                        .instances("", "ratings-1")
                        .tls("")
                        .build();
        side.keyedByRequestId = true;
        side.spanId = 0x80f067aa0ba902b7L;
        side.index = 3;
        side.late = true;
        return side;
    }

    @Test
    void aSpansSideSurvivesTheRoundTripWithItsSpanId() throws IOException {
        Side side = spanSide();
        assertThat(read(write(side))).usingRecursiveComparison().isEqualTo(side);
        assertThat(side.copy()).usingRecursiveComparison().isEqualTo(side);
    }

    @Test
    void aTcpSideSurvivesTheRoundTripWithItsBytesAndErrorCode() throws IOException {
        Side side = Sides.tcp(true, "app", "db").failed("UF").build();
        side.index = 4;
        assertThat(side.tcp).isTrue();
        assertThat(read(write(side))).usingRecursiveComparison().isEqualTo(side);
        assertThat(side.copy()).usingRecursiveComparison().isEqualTo(side);
    }

    @Test
    void aSkyWalkingSideIsWrittenAsBeforeSpansExisted() throws IOException {
        Side side = Sides.client("r1", "A", "B").build();
        side.index = 2;

        // version 1 as it was written before the span fields: what older state holds
        DataOutputSerializer old = new DataOutputSerializer(64);
        for (String s :
                new String[] {
                    side.requestId,
                    side.sourceService,
                    side.sourceInstance,
                    side.destService,
                    side.destInstance,
                    side.endpoint,
                    side.tlsMode
                }) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            old.writeInt(utf8.length);
            old.write(utf8);
        }
        old.writeLong(side.startTime);
        old.writeInt(side.latency);
        old.writeInt(side.responseCode);
        old.writeInt(side.index);
        old.writeByte(1 | 2);

        assertThat(write(side)).isEqualTo(old.getCopyOfBuffer());
        assertThat(read(old.getCopyOfBuffer())).usingRecursiveComparison().isEqualTo(side);
    }

    @Test
    void theSpanIdEntersTheFingerprintOfSpansOnly() {
        Side span = spanSide();
        Side retry = span.copy();
        retry.spanId++;
        assertThat(retry.fingerprint()).isNotEqualTo(span.fingerprint());

        // what the fingerprint of this side was before spans existed: settled calls in state
        // remember it
        Side skyWalking = Sides.client("r1", "A", "B").build();
        assertThat(skyWalking.fingerprint()).isEqualTo(-4401289009192560543L);
    }
}
