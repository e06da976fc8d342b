package io.meshflow.decode;

import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.testing.Sides;
import io.meshflow.time.Timing;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

class SplitBatchesTest {
    private static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60));

    private OneInputStreamOperatorTestHarness<SideBatch, Side> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new SplitBatches(TIMING, Sides.DECODER)));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void sidesGoOnAndDeadLettersGoAside() throws Exception {
        SideBatch batch = Sides.DECODER.decode(record(side(T0 + 1000), side(0)), "f@0", 1L);
        harness.processElement(batch, T0 + 1000);

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(s -> assertThat(s.late).isFalse());
        assertThat(deadLetters()).extracting(d -> d.reason).containsExactly("missing-start-time");
    }

    @Test
    void aSideAfterItsBucketWasForgottenIsMarkedLateAndKeptWhole() throws Exception {
        harness.processWatermark(TIMING.callForgetTime(T0 + 1000));
        HTTPServiceMeshMetric late = side(T0 + 1000);
        harness.processElement(
                Sides.DECODER.decode(record(side(T0 + 500_000), late), "t/0/9", 1L), T0 + 1000);

        assertThat(harness.extractOutputValues())
                .extracting(s -> s.late)
                .containsExactly(false, true);
        assertThat(deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason).isEqualTo("late");
                            assertThat(d.origin).isEqualTo("t/0/9");
                            assertThat(d.id).startsWith("t/0/9#1/late~");
                            assertThat(
                                            ServiceMeshMetrics.parseFrom(d.payload)
                                                    .getHttpMetrics()
                                                    .getMetricsList())
                                    .containsExactly(late);
                        });
    }

    @Test
    void aSideJustBeforeItsBucketIsForgottenIsNotLate() throws Exception {
        harness.processWatermark(TIMING.callForgetTime(T0 + 1000) - 1);
        harness.processElement(Sides.DECODER.decode(record(side(T0 + 1000)), "o", 1L), T0 + 1000);

        assertThat(harness.extractOutputValues()).extracting(s -> s.late).containsExactly(false);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void ignoredSpanStartsGoAsideAndOneWithoutStartCountsWhenItWasRead() throws Exception {
        SideBatch batch = Sides.DECODER.decode(record(side(T0 + 1000)), "o", 1L);
        batch.ignoredSpanStarts = new long[] {T0 + 2000, 0, T0 + 3000};
        long before = System.currentTimeMillis();
        harness.processElement(batch, T0 + 1000);
        long after = System.currentTimeMillis();

        List<Long> ignored =
                harness.getSideOutput(SplitBatches.IGNORED_SPANS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(ignored).hasSize(3);
        assertThat(ignored.get(0)).isEqualTo(T0 + 2000);
        assertThat(ignored.get(1)).isBetween(before, after);
        assertThat(ignored.get(2)).isEqualTo(T0 + 3000);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    private List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(SplitBatches.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private static HTTPServiceMeshMetric side(long start) {
        return HTTPServiceMeshMetric.newBuilder()
                .setRequestId("r")
                .setStartTime(start)
                .setSourceServiceName("A")
                .setDestServiceName("B")
                .setLatency(5)
                .build();
    }

    private static byte[] record(HTTPServiceMeshMetric... sides) {
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addAllMetrics(List.of(sides)))
                .build()
                .toByteArray();
    }
}
