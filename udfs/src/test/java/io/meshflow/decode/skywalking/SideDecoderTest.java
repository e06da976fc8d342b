package io.meshflow.decode.skywalking;

import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.proto.TCPServiceMeshMetric;
import io.meshflow.proto.TCPServiceMeshMetrics;
import io.meshflow.testing.Sides;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SideDecoderTest {

    /**
     * Bytes exactly as a producer compiled against SkyWalking's own service-mesh.proto writes them:
     * fields 1 to 18, no requestId. Written field by field so the test does not depend on our
     * generated code.
     */
    private static byte[] skyWalkingSide(boolean withNewerUnknownField) throws IOException {
        ByteArrayOutputStream metric = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(metric);
        m.writeInt64(1, 1_767_261_601_000L); // startTime
        m.writeInt64(2, 1_767_261_601_110L); // endTime
        m.writeString(3, "productpage"); // sourceServiceName
        m.writeString(4, "productpage-v1-abc"); // sourceServiceInstance
        m.writeString(5, "reviews"); // destServiceName
        m.writeString(6, "reviews-v2-def"); // destServiceInstance
        m.writeString(7, "GET:/reviews/{id}"); // endpoint
        m.writeInt32(8, 110); // latency
        m.writeInt32(9, 200); // responseCode
        m.writeBool(10, true); // status
        m.writeEnum(11, 1); // protocol gRPC
        m.writeEnum(12, 2); // detectPoint proxy
        m.writeString(13, "mTLS"); // tlsMode
        m.writeString(14, ""); // internalErrorCode
        m.writeInt64(15, 1_000_000L); // internalRequestLatencyNanos
        m.writeInt64(16, 2_000_000L); // internalResponseLatencyNanos
        m.writeTag(
                17, WireFormat.WIRETYPE_LENGTH_DELIMITED); // sourceInstanceProperties {key, value}
        ByteArrayOutputStream kv = new ByteArrayOutputStream();
        CodedOutputStream k = CodedOutputStream.newInstance(kv);
        k.writeString(1, "pod");
        k.writeString(2, "productpage-v1-abc");
        k.flush();
        m.writeBytesNoTag(ByteString.copyFrom(kv.toByteArray()));
        m.writeTag(18, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        m.writeBytesNoTag(ByteString.copyFrom(kv.toByteArray()));
        if (withNewerUnknownField) {
            m.writeString(250, "a field from a newer producer");
            m.writeInt64(251, 42);
        }
        m.flush();

        ByteArrayOutputStream metrics = new ByteArrayOutputStream();
        CodedOutputStream ms = CodedOutputStream.newInstance(metrics);
        ms.writeByteArray(1, metric.toByteArray()); // HTTPServiceMeshMetrics.metrics
        ms.flush();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        CodedOutputStream msg = CodedOutputStream.newInstance(message);
        msg.writeByteArray(1, metrics.toByteArray()); // ServiceMeshMetrics.httpMetrics
        msg.flush();
        return message.toByteArray();
    }

    @Test
    void aSkyWalkingProducersMessageDecodesWithoutRequestId() throws IOException {
        SideBatch batch = Sides.DECODER.decode(skyWalkingSide(false), "t/0/7", 1L);

        assertThat(batch.deadLetters).isEmpty();
        assertThat(batch.sides)
                .singleElement()
                .satisfies(
                        side -> {
                            assertThat(side.requestId).isEmpty();
                            assertThat(side.sourceService).isEqualTo("productpage");
                            assertThat(side.sourceInstance).isEqualTo("productpage-v1-abc");
                            assertThat(side.destService).isEqualTo("reviews");
                            assertThat(side.destInstance).isEqualTo("reviews-v2-def");
                            assertThat(side.endpoint).isEqualTo("GET:/reviews/{id}");
                            assertThat(side.startTime).isEqualTo(1_767_261_601_000L);
                            assertThat(side.latency).isEqualTo(110);
                            assertThat(side.responseCode).isEqualTo(200);
                            assertThat(side.success).isTrue();
                            assertThat(side.client).as("proxy counts as client").isTrue();
                            assertThat(side.tlsMode).isEqualTo("mTLS");
                        });
        assertThat(batch.eventTime).isEqualTo(1_767_261_601_000L);
        assertThat(batch.origin).isEqualTo("t/0/7");
    }

    @Test
    void unknownFieldsOfANewerProducerAreIgnored() throws IOException {
        Side plain = Sides.DECODER.decode(skyWalkingSide(false), "o", 1L).sides[0];
        Side newer = Sides.DECODER.decode(skyWalkingSide(true), "o", 1L).sides[0];
        assertThat(newer).usingRecursiveComparison().ignoringFields("raw").isEqualTo(plain);
    }

    @Test
    void theRequestIdExtensionIsRead() {
        byte[] payload =
                message(side().setRequestId("x-1").setDetectPoint(DetectPoint.server))
                        .toByteArray();
        Side side = Sides.DECODER.decode(payload, "o", 1L).sides[0];
        assertThat(side.requestId).isEqualTo("x-1");
        assertThat(side.client).isFalse();
    }

    @Test
    void invalidSidesBecomeDeadLettersAndTheRestOfTheBatchCounts() throws Exception {
        ServiceMeshMetrics message =
                ServiceMeshMetrics.newBuilder()
                        .setHttpMetrics(
                                HTTPServiceMeshMetrics.newBuilder()
                                        .addMetrics(side().setStartTime(0))
                                        .addMetrics(side())
                                        .addMetrics(side().setDestServiceName(""))
                                        .addMetrics(side().setLatency(-1)))
                        .build();

        SideBatch batch = Sides.DECODER.decode(message.toByteArray(), "f@10", 5L);

        assertThat(batch.sides).hasSize(1);
        assertThat(batch.deadLetters)
                .extracting(d -> d.reason)
                .containsExactly("missing-start-time", "missing-dest-service", "negative-latency");
        assertThat(batch.deadLetters)
                .extracting(d -> d.id.replaceFirst("~[0-9a-f]{8}$", ""))
                .containsExactly("f@10#0", "f@10#2", "f@10#3");
        DeadLetter first = batch.deadLetters[0];
        ServiceMeshMetrics kept = ServiceMeshMetrics.parseFrom(first.payload);
        assertThat(kept.getHttpMetrics().getMetrics(0))
                .as("kept whole, in the input format")
                .isEqualTo(message.getHttpMetrics().getMetrics(0));
        assertThat(first.origin).isEqualTo("f@10");
        assertThat(first.receivedAt).isEqualTo(5L);
    }

    @Test
    void bytesThatDoNotDecodeAreKeptWhole() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
        SideBatch batch = Sides.DECODER.decode(garbage, "t/1/99", 1L);
        assertThat(batch.sides).isEmpty();
        assertThat(batch.deadLetters)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason).startsWith("undecodable");
                            assertThat(d.payload).isEqualTo(garbage);
                            assertThat(d.id).startsWith("t/1/99~");
                        });
    }

    @Test
    void tcpSidesCarryEveryCountedFieldOfTheirMetric() {
        byte[] payload =
                tcpRecord(
                        tcp().setDetectPoint(DetectPoint.client)
                                .setTlsMode("mTLS")
                                .setInternalErrorCode("UF")
                                .setSentBytes(1_000)
                                .setReceivedBytes(20),
                        tcp().setDetectPoint(DetectPoint.server).setSourceServiceName(""));
        SideBatch batch = Sides.DECODER.decode(payload, "o", 1L);

        assertThat(batch.deadLetters).isEmpty();
        assertThat(batch.sides).hasSize(2);
        Side client = batch.sides[0];
        assertThat(client.tcp).isTrue();
        assertThat(client.client).isTrue();
        assertThat(client.requestId).isEmpty();
        assertThat(client.sourceService).isEqualTo("app");
        assertThat(client.sourceInstance).isEqualTo("app-1");
        assertThat(client.destService).isEqualTo("db");
        assertThat(client.destInstance).isEqualTo("db-0");
        assertThat(client.startTime).isEqualTo(T);
        assertThat(client.endTime).isEqualTo(T + 250);
        assertThat(client.tlsMode).isEqualTo("mTLS");
        assertThat(client.internalErrorCode).isEqualTo("UF");
        assertThat(client.sentBytes).isEqualTo(1_000);
        assertThat(client.receivedBytes).isEqualTo(20);
        assertThat(client.index).isZero();
        Side server = batch.sides[1];
        assertThat(server.tcp).isTrue();
        assertThat(server.client).isFalse();
        assertThat(server.sourceService).isEmpty();
        assertThat(server.internalErrorCode).isEmpty();
        assertThat(server.index).isEqualTo(1);
        assertThat(batch.eventTime).isEqualTo(T);
    }

    @Test
    void invalidTcpSidesAreDeadLettersHoldingJustThemselves() throws Exception {
        byte[] payload =
                tcpRecord(
                        tcp().clearStartTime(),
                        tcp().clearDestServiceName(),
                        tcp().setEndTime(T - 1),
                        tcp().setSourceServiceInstance("a\u0000b"),
                        tcp());
        SideBatch batch = Sides.DECODER.decode(payload, "o", 1L);

        assertThat(batch.sides).singleElement().satisfies(s -> assertThat(s.index).isEqualTo(4));
        assertThat(batch.deadLetters)
                .extracting(d -> d.reason)
                .containsExactly(
                        "missing-start-time",
                        "missing-dest-service",
                        "end-before-start",
                        "invalid-name");
        DeadLetter endBeforeStart = batch.deadLetters[2];
        ServiceMeshMetrics kept = ServiceMeshMetrics.parseFrom(endBeforeStart.payload);
        assertThat(kept.getTcpMetrics().getMetricsList())
                .containsExactly(tcp().setEndTime(T - 1).build());
        assertThat(endBeforeStart.id).startsWith("o#2~");
    }

    @Test
    void aLateTcpSideIsKeptInTheTcpFormat() throws Exception {
        byte[] payload = tcpRecord(tcp().setSentBytes(1), tcp().setSentBytes(2));
        SideBatch batch = Sides.DECODER.decode(payload, "o", 1L);

        DeadLetter late = Sides.DECODER.lateDeadLetter(batch, batch.sides[1]);

        assertThat(late.reason).isEqualTo("late");
        assertThat(ServiceMeshMetrics.parseFrom(late.payload).getTcpMetrics().getMetricsList())
                .containsExactly(tcp().setSentBytes(2).build());
    }

    private static final long T = 1_767_261_600_000L;

    private static TCPServiceMeshMetric.Builder tcp() {
        return TCPServiceMeshMetric.newBuilder()
                .setStartTime(T)
                .setEndTime(T + 250)
                .setSourceServiceName("app")
                .setSourceServiceInstance("app-1")
                .setDestServiceName("db")
                .setDestServiceInstance("db-0");
    }

    private static byte[] tcpRecord(TCPServiceMeshMetric.Builder... metrics) {
        TCPServiceMeshMetrics.Builder batch = TCPServiceMeshMetrics.newBuilder();
        for (TCPServiceMeshMetric.Builder m : metrics) {
            batch.addMetrics(m);
        }
        return ServiceMeshMetrics.newBuilder().setTcpMetrics(batch).build().toByteArray();
    }

    @Test
    void anEmptyMessageIsADeadLetter() {
        assertThat(Sides.DECODER.decode(new byte[0], "o", 1L).deadLetters)
                .singleElement()
                .satisfies(d -> assertThat(d.reason).isEqualTo("empty"));
    }

    @Test
    void aSideStartingTooFarAheadOfTheClockIsADeadLetterAndDoesNotMoveEventTime() {
        SideDecoder decoder = new SideDecoder(new SideChecks(Duration.ofMinutes(15)));
        long now = 1_767_261_601_000L;
        ServiceMeshMetrics record =
                ServiceMeshMetrics.newBuilder()
                        .setHttpMetrics(
                                HTTPServiceMeshMetrics.newBuilder()
                                        .addMetrics(side().setStartTime(now))
                                        .addMetrics(side().setStartTime(now + 16 * 60_000))
                                        .addMetrics(side().setStartTime(Long.MAX_VALUE)))
                        .build();

        SideBatch batch = decoder.decode(record.toByteArray(), "t/0/1", now);

        assertThat(batch.sides).extracting(s -> s.startTime).containsExactly(now);
        assertThat(batch.eventTime).isEqualTo(now);
        assertThat(batch.deadLetters)
                .extracting(d -> d.id.replaceFirst("~[0-9a-f]{8}$", "") + " " + d.reason)
                .containsExactly("t/0/1#1 future-start-time", "t/0/1#2 future-start-time");
    }

    @Test
    void aNameHoldingUPlus0000MakesTheSideAnInvalidNameDeadLetter() {
        for (HTTPServiceMeshMetric.Builder bad :
                List.of(
                        side().setSourceServiceName("a\u0000"),
                        side().setSourceServiceInstance("\u0000"),
                        side().setDestServiceName("b\u0000b"),
                        side().setDestServiceInstance("x\u0000"),
                        side().setEndpoint("GET:/\u0000"))) {
            SideBatch batch = Sides.DECODER.decode(message(bad).toByteArray(), "o", 1L);
            assertThat(batch.sides).isEmpty();
            assertThat(batch.deadLetters)
                    .singleElement()
                    .satisfies(d -> assertThat(d.reason).isEqualTo(SideChecks.INVALID_NAME));
        }
    }

    @Test
    void namesLongerThan512BytesAreCut() {
        String endpoint = "GET:/" + "é".repeat(400);
        Side side =
                Sides.DECODER.decode(
                                message(
                                                side().setEndpoint(endpoint)
                                                        .setDestServiceName("b".repeat(700)))
                                        .toByteArray(),
                                "o",
                                1L)
                        .sides[0];

        assertThat(side.endpoint).isEqualTo(SideChecks.stored(endpoint)).hasSize(5 + 253);
        assertThat(side.destService).isEqualTo("b".repeat(512));
    }

    private static HTTPServiceMeshMetric.Builder side() {
        return HTTPServiceMeshMetric.newBuilder()
                .setStartTime(1_767_261_601_000L)
                .setSourceServiceName("a")
                .setDestServiceName("b")
                .setLatency(5)
                .setResponseCode(200)
                .setStatus(true);
    }

    private static ServiceMeshMetrics message(HTTPServiceMeshMetric.Builder side) {
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(side))
                .build();
    }
}
