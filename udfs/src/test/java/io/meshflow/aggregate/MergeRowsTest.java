package io.meshflow.aggregate;

import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partial rows of one key merge, are written once their bucket is complete (hour and day rows also
 * with each of their minutes), rewritten when late, then forgotten.
 */
class MergeRowsTest {
    private static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60));

    private static final MetricKey MINUTE = key(Granularity.MINUTE, T0);
    private static final MetricKey HOUR = key(Granularity.HOUR, T0);
    private static final MetricKey DAY = key(Granularity.DAY, Granularity.DAY.bucketStart(T0));

    /** The last millisecond of T0's minute plus pair.timeout: 10:01:09.999. */
    private static final long MINUTE_WRITE = T0 + 60_000 - 1 + 10_000;

    private static final long MINUTE_FORGET = MINUTE_WRITE + 60_000;

    /** What the function handed to its collector, before the harness copies it. */
    private KeyedOneInputStreamOperatorTestHarness<MetricKey, MetricRecord, MetricRecord> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<MetricKey, MetricRecord, MetricRecord>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MergeRows(TIMING)),
                r -> r.key,
                TypeInformation.of(MetricKey.class));
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void theTimingOfThisTestIsWhatTimingComputes() {
        assertThat(TIMING.writeTime(Granularity.MINUTE, T0)).isEqualTo(MINUTE_WRITE);
        assertThat(TIMING.forgetTime(Granularity.MINUTE, T0)).isEqualTo(MINUTE_FORGET);
    }

    @Test
    void nothingIsWrittenBeforeTheWatermarkReachesWriteTime() throws Exception {
        send(MINUTE, partial(3, 100));
        send(MINUTE, partial(2, 300));
        harness.processWatermark(MINUTE_WRITE - 1);

        assertThat(rows()).isEmpty();
    }

    @Test
    void partialsMergeIntoExactlyOneRowAtWriteTime() throws Exception {
        send(MINUTE, partial(3, 100));
        send(MINUTE, partial(2, 300));
        harness.processWatermark(MINUTE_WRITE);

        assertThat(rows())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.key).isEqualTo(MINUTE);
                            assertThat(r.metrics.calls).isEqualTo(5);
                            assertThat(r.metrics.latencySumMs).isEqualTo(3 * 100 + 2 * 300);
                            assertThat(r.metrics.latencyMaxMs).isEqualTo(300);
                            assertThat(r.metrics.latencyCount()).isEqualTo(5);
                        });

        harness.processWatermark(MINUTE_FORGET - 1);
        assertThat(rows()).as("written once while no partial comes").hasSize(1);
    }

    @Test
    void aPartialAfterWriteTimeRewritesTheUpdatedRowAtOnce() throws Exception {
        send(MINUTE, partial(3, 100));
        harness.processWatermark(MINUTE_WRITE);
        send(MINUTE, partial(1, 500));

        List<MetricRecord> rows = rows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).key).isEqualTo(MINUTE);
        assertThat(rows.get(1).metrics.calls).as("the whole row, not the partial").isEqualTo(4);
        assertThat(rows.get(1).metrics.latencySumMs).isEqualTo(800);
    }

    @Test
    void aPartialJustBeforeForgetTimeStillRewritesTheRow() throws Exception {
        send(MINUTE, partial(3, 100));
        harness.processWatermark(MINUTE_FORGET - 1);
        send(MINUTE, partial(1, 100));

        assertThat(rows()).extracting(r -> r.metrics.calls).containsExactly(3L, 4L);
    }

    @Test
    void atForgetTimeNoStateAndNoTimerIsLeft() throws Exception {
        send(MINUTE, partial(3, 100));
        harness.processWatermark(MINUTE_WRITE);
        send(MINUTE, partial(1, 100));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("the forget timer").isEqualTo(1);

        harness.processWatermark(MINUTE_FORGET - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.processWatermark(MINUTE_FORGET);
        assertThat(harness.numKeyedStateEntries()).as("keyed state left").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers left").isZero();
        assertThat(rows()).as("forgetting writes nothing").hasSize(2);
    }

    @Test
    void hourAndDayRowsAreWrittenWithTheirMinuteAndFinalAtTheirOwnTimes() throws Exception {
        harness.processWatermark(T0 + 30_000);
        send(MINUTE, partial(1, 100));
        send(HOUR, partial(2, 100));
        send(DAY, partial(3, 100));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        long hourWrite = T0 + 3_600_000 - 1 + 10_000;
        long dayWrite = Granularity.DAY.bucketStart(T0) + 86_400_000 - 1 + 10_000;
        assertThat(hourWrite).isEqualTo(TIMING.writeTime(Granularity.HOUR, T0));
        assertThat(dayWrite).isEqualTo(TIMING.writeTime(Granularity.DAY, DAY.bucketStart));

        harness.processWatermark(MINUTE_WRITE - 1);
        assertThat(rows()).isEmpty();
        harness.processWatermark(MINUTE_WRITE);
        assertThat(rows())
                .as("the open hour and day are written with their minute")
                .extracting(r -> r.key)
                .containsExactlyInAnyOrder(MINUTE, HOUR, DAY);

        harness.processWatermark(hourWrite - 1);
        assertThat(rows()).as("nothing new came").hasSize(3);
        harness.processWatermark(hourWrite);
        assertThat(rows()).hasSize(4);
        assertThat(rows().get(3).key).as("final once complete").isEqualTo(HOUR);

        harness.processWatermark(dayWrite - 1);
        assertThat(rows()).hasSize(4);
        harness.processWatermark(dayWrite);
        assertThat(rows()).hasSize(5);
        assertThat(rows().get(4).key).isEqualTo(DAY);
        assertThat(rows().subList(3, 5)).extracting(r -> r.metrics.calls).containsExactly(2L, 3L);

        harness.processWatermark(TIMING.forgetTime(Granularity.DAY, DAY.bucketStart));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anOpenHourRowHoldsEveryMinuteWrittenSoFarAsExactMerges() throws Exception {
        MetricsAccumulator expected = new MetricsAccumulator();
        for (int minute = 0; minute < 3; minute++) {
            long minuteWrite = TIMING.writeTime(Granularity.MINUTE, T0 + minute * 60_000L);
            harness.processWatermark(minuteWrite - 1_000);
            // the minute's partials from two PreAggregate subtasks: one write of the hour row
            MetricsAccumulator a = partial(minute + 1, 100 * (minute + 1));
            MetricsAccumulator b = partial(2, 7);
            expected.merge(a);
            expected.merge(b);
            send(HOUR, a.copy(), T0 + minute * 60_000L);
            send(HOUR, b.copy(), T0 + minute * 60_000L);
            harness.processWatermark(minuteWrite);

            assertThat(rows()).hasSize(minute + 1);
            MetricsAccumulator written = rows().get(minute).metrics;
            assertThat(written.calls).isEqualTo(expected.calls);
            assertThat(written.latencySumMs).isEqualTo(expected.latencySumMs);
            assertThat(written.latencyMaxMs).isEqualTo(expected.latencyMaxMs);
            assertThat(written.latencyHistogram())
                    .as("the histogram of every call, not an average of minutes")
                    .isEqualTo(expected.latencyHistogram());
            assertThat(harness.numKeyedStateEntries()).as("the merged row alone").isEqualTo(1);
            assertThat(harness.numEventTimeTimers())
                    .as("its write and forget timers: none left per minute")
                    .isEqualTo(2);
        }

        harness.processWatermark(TIMING.writeTime(Granularity.HOUR, T0));
        assertThat(rows()).hasSize(4);
        assertThat(rows().get(3).metrics.calls).isEqualTo(expected.calls);
    }

    @Test
    void aPartialOfAMinuteNotYetWrittenWaitsForItsMinute() throws Exception {
        // PreAggregate hands every partial on before a checkpoint barrier, due or not.
        long secondMinute = T0 + 60_000;
        harness.processWatermark(MINUTE_WRITE - 1_000);
        send(HOUR, partial(2, 100), T0);
        send(HOUR, partial(5, 100), secondMinute);
        assertThat(harness.numKeyedStateEntries())
                .as("the minutes pending (one map), no row yet")
                .isEqualTo(1);

        harness.processWatermark(MINUTE_WRITE);
        assertThat(rows())
                .as("the open hour holds the minutes written, not the next one")
                .singleElement()
                .satisfies(r -> assertThat(r.metrics.calls).isEqualTo(2));
        assertThat(harness.numKeyedStateEntries())
                .as("the row and the minute still pending")
                .isEqualTo(2);

        harness.processWatermark(TIMING.writeTime(Granularity.MINUTE, secondMinute));
        assertThat(rows()).extracting(r -> r.metrics.calls).containsExactly(2L, 7L);
        assertThat(harness.numKeyedStateEntries()).as("the merged row alone").isEqualTo(1);

        harness.processWatermark(TIMING.forgetTime(Granularity.HOUR, T0));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aLatePartialOfTheMinuteIsInItsOpenHourRowWithTheNextMinute() throws Exception {
        send(MINUTE, partial(1, 100));
        send(HOUR, partial(1, 100));
        harness.processWatermark(MINUTE_FORGET);
        assertThat(rows()).extracting(r -> r.key).containsExactlyInAnyOrder(MINUTE, HOUR);

        send(HOUR, partial(2, 100));
        assertThat(rows()).as("the hour is written with the next minute").hasSize(2);
        long nextMinuteWrite = TIMING.nextMinuteWriteTime(MINUTE_FORGET);
        assertThat(nextMinuteWrite).isEqualTo(MINUTE_FORGET + 60_000);
        harness.processWatermark(nextMinuteWrite);
        assertThat(rows().get(2).key).isEqualTo(HOUR);
        assertThat(rows().get(2).metrics.calls).isEqualTo(3);

        harness.processWatermark(TIMING.writeTime(Granularity.HOUR, T0));
        assertThat(rows().get(3).key).isEqualTo(HOUR);
        assertThat(rows().get(3).metrics.calls).isEqualTo(3);
    }

    @Test
    void rowsOfDifferentKeysDoNotMerge() throws Exception {
        MetricKey other = MetricKey.ofServiceMetrics(Granularity.MINUTE, T0, "C");
        send(MINUTE, partial(1, 100));
        send(other, partial(5, 100));
        harness.processWatermark(MINUTE_WRITE);

        assertThat(rows())
                .extracting(r -> r.key.service() + "=" + r.metrics.calls)
                .containsExactlyInAnyOrder("B=1", "C=5");
    }

    @Test
    void aRowIsNotRewrittenFromAPartAfterItWasForgotten() throws Exception {
        send(MINUTE, partial(5, 100));
        harness.processWatermark(MINUTE_FORGET);
        int written = rows().size();
        send(MINUTE, partial(1, 100));

        assertThat(rows()).as("no row of one call replaces the row of five").hasSize(written);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void pipelineStatsRowsStayLongEnoughForALateSideToUpdateTheWholeRow() throws Exception {
        MetricKey stats = MetricKey.ofPipelineStats(Granularity.MINUTE, T0);
        MetricsAccumulator calls = new MetricsAccumulator();
        calls.sides = 10;
        calls.pairedCalls = 5;
        send(stats, calls);
        harness.processWatermark(MINUTE_FORGET + Duration.ofDays(1).toMillis());
        MetricsAccumulator late = new MetricsAccumulator();
        late.sides = 1;
        late.lateSides = 1;
        send(stats, late);

        MetricsAccumulator last = rows().get(rows().size() - 1).metrics;
        assertThat(last.sides).isEqualTo(11);
        assertThat(last.pairedCalls).isEqualTo(5);
        assertThat(last.lateSides).isEqualTo(1);

        harness.processWatermark(MINUTE_FORGET + MergeRows.PIPELINE_STATS_RETENTION_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aSavepointResumedLongAfterTheStopStillUpdatesTheWholeRow() throws Exception {
        send(MINUTE, partial(3, 100));
        harness.processWatermark(MINUTE_WRITE);
        OperatorSubtaskState savepoint = harness.snapshot(1, MINUTE_WRITE);
        harness.close();

        // Resumed two months later by the wall clock: no processing-time TTL may drop the row.
        harness = newHarness();
        harness.setStateTtlProcessingTime(Duration.ofDays(60).toMillis());
        harness.setProcessingTime(Duration.ofDays(60).toMillis());
        harness.initializeState(savepoint);
        harness.open();
        harness.processWatermark(MINUTE_WRITE);
        send(MINUTE, partial(1, 500));

        assertThat(rows())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.metrics.calls)
                                    .as("the whole row, not the partial")
                                    .isEqualTo(4);
                            assertThat(r.metrics.latencySumMs).isEqualTo(800);
                        });
        harness.processWatermark(MINUTE_FORGET);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private void send(MetricKey key, MetricsAccumulator metrics) throws Exception {
        harness.processElement(new MetricRecord(key, metrics), key.bucketStart);
    }

    /** A partial of the minute starting at {@code minuteStart}, as PreAggregate stamps it. */
    private void send(MetricKey key, MetricsAccumulator metrics, long minuteStart)
            throws Exception {
        harness.processElement(new MetricRecord(key, metrics), minuteStart);
    }

    private List<MetricRecord> rows() {
        return harness.extractOutputValues();
    }

    /** {@code calls} successful calls of {@code latencyMs} each. */
    private static MetricsAccumulator partial(int calls, int latencyMs) {
        MetricsAccumulator m = new MetricsAccumulator();
        for (int i = 0; i < calls; i++) {
            m.addCall(latencyMs, true, 200, 500);
        }
        return m;
    }

    private static MetricKey key(Granularity granularity, long bucketStart) {
        return MetricKey.ofServiceMetrics(granularity, bucketStart, "B");
    }
}
