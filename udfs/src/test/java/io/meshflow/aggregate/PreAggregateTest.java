package io.meshflow.aggregate;

import io.meshflow.pair.CallEvent;
import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.meshflow.testing.Sides.T0;
import static io.meshflow.testing.Sides.client;
import static io.meshflow.testing.Sides.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local combining of the rows calls count in: each minute row is handed on, with the same counters
 * for its hour and day rows, once the watermark reaches the minute's write time; everything before
 * a barrier.
 */
class PreAggregateTest {
    private static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60));
    private static final long DAY_START = Granularity.DAY.bucketStart(T0);

    /** When T0's minute is written downstream: its last millisecond plus pair.timeout. */
    private static final long MINUTE_WRITE = T0 + 60_000 - 1 + 10_000;

    /**
     * Rows of one paired call with every name: six tables at three granularities, two services
     * rows.
     */
    private static final int ROWS_OF_ONE_CALL = 6 * 3 + 2;

    private OneInputStreamOperatorTestHarness<CallEvent, MetricRecord> harness;
    private boolean closed;

    @BeforeEach
    void open() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new PreAggregate(new CallRouter(ApdexThresholds.uniform(500)), TIMING));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (!closed) {
            harness.close();
        }
    }

    @Test
    void theWriteTimeOfThisTestIsWhatTimingComputes() {
        assertThat(TIMING.writeTime(Granularity.MINUTE, T0)).isEqualTo(MINUTE_WRITE);
    }

    @Test
    void nothingIsEmittedBeforeTheWatermarkReachesTheMinutesWriteTime() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        send(pairedCall("r2", T0 + 2000, 100));
        assertThat(harness.getOutput()).isEmpty();

        harness.processWatermark(T0 + 5000);
        harness.processWatermark(MINUTE_WRITE - 1);
        assertThat(rows()).isEmpty();
        assertThat(harness.getOutput())
                .as("watermarks still pass")
                .containsExactly(new Watermark(T0 + 5000), new Watermark(MINUTE_WRITE - 1));
    }

    @Test
    void atWriteTimeEachMinuteRowIsEmittedWithItsHourAndDayRowsBeforeTheWatermark()
            throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        harness.processWatermark(MINUTE_WRITE);

        List<MetricRecord> rows = rows();
        List<MetricKey> minuteRows =
                rows.stream()
                        .filter(r -> r.key.granularity == Granularity.MINUTE)
                        .map(r -> r.key)
                        .toList();
        assertThat(minuteRows)
                .extracting(k -> k.table)
                .containsExactlyInAnyOrder(
                        Table.SERVICE_METRICS,
                        Table.INSTANCE_METRICS,
                        Table.ENDPOINT_METRICS,
                        Table.SERVICE_EDGES,
                        Table.INSTANCE_EDGES,
                        Table.PIPELINE_STATS,
                        Table.SERVICES,
                        Table.SERVICES);
        assertThat(minuteRows).extracting(k -> k.bucketStart).containsOnly(T0);

        for (MetricKey minute : minuteRows) {
            List<MetricKey> coarser =
                    rows.stream()
                            .map(r -> r.key)
                            .filter(
                                    k ->
                                            k.granularity != Granularity.MINUTE
                                                    && k.equals(minute.rolledUpTo(k.granularity)))
                            .toList();
            if (minute.table == Table.SERVICES) {
                assertThat(coarser)
                        .as("services rows are kept per minute only: %s", minute)
                        .isEmpty();
            } else {
                assertThat(coarser)
                        .as("rolled-up rows of %s", minute)
                        .containsExactlyInAnyOrder(
                                minute.rolledUpTo(Granularity.HOUR),
                                minute.rolledUpTo(Granularity.DAY));
            }
        }
        assertThat(rows).hasSize(ROWS_OF_ONE_CALL);
        assertThat(rows)
                .filteredOn(r -> r.key.granularity == Granularity.HOUR)
                .extracting(r -> r.key.bucketStart)
                .containsOnly(T0);
        assertThat(rows)
                .filteredOn(r -> r.key.granularity == Granularity.DAY)
                .extracting(r -> r.key.bucketStart)
                .containsOnly(DAY_START);

        assertThat(new ArrayList<>(harness.getOutput()))
                .last()
                .as("the watermark follows the rows it completes")
                .isEqualTo(new Watermark(MINUTE_WRITE));
    }

    @Test
    void hourAndDayRowsCarryTheSameCountersAsTheirMinuteRow() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        send(pairedCall("r2", T0 + 2000, 300));
        harness.processWatermark(MINUTE_WRITE);

        Map<Granularity, List<MetricRecord>> byGranularity =
                rows().stream()
                        .filter(r -> r.key.table == Table.SERVICE_METRICS)
                        .collect(Collectors.groupingBy(r -> r.key.granularity));
        assertThat(byGranularity)
                .containsOnlyKeys(Granularity.MINUTE, Granularity.HOUR, Granularity.DAY);
        for (List<MetricRecord> rows : byGranularity.values()) {
            assertThat(rows)
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.metrics.calls).isEqualTo(2);
                                assertThat(r.metrics.latencySumMs).isEqualTo(400);
                                assertThat(r.metrics.latencyCount()).isEqualTo(2);
                            });
        }
    }

    @Test
    void twoCallsIntoTheSameRowAreCombinedIntoOnePartial() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        send(pairedCall("r2", T0 + 59_000, 200));
        harness.processWatermark(MINUTE_WRITE);

        assertThat(rows())
                .filteredOn(
                        r ->
                                r.key.table == Table.SERVICE_EDGES
                                        && r.key.granularity == Granularity.MINUTE)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.metrics.calls).isEqualTo(2);
                            assertThat(r.metrics.pairedCalls).isEqualTo(2);
                            assertThat(r.metrics.latencySumMs)
                                    .as("client latencies")
                                    .isEqualTo(110 + 210);
                        });
        assertThat(rows())
                .filteredOn(
                        r ->
                                r.key.table == Table.PIPELINE_STATS
                                        && r.key.granularity == Granularity.MINUTE)
                .singleElement()
                .satisfies(r -> assertThat(r.metrics.sides).isEqualTo(4));
    }

    @Test
    void eachMinuteIsHandedOnWhenItIsDueAndItsHourRowsAsSeparatePartials() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        send(pairedCall("r2", T0 + 61_000, 100));

        harness.processWatermark(MINUTE_WRITE);
        assertThat(serviceRows())
                .extracting(r -> r.key.granularity + "@" + r.key.bucketStart)
                .containsExactlyInAnyOrder("MINUTE@" + T0, "HOUR@" + T0, "DAY@" + DAY_START);

        harness.processWatermark(MINUTE_WRITE + 60_000);
        assertThat(serviceRows())
                .filteredOn(r -> r.key.granularity == Granularity.MINUTE)
                .extracting(r -> r.key.bucketStart)
                .containsExactly(T0, T0 + 60_000);
        assertThat(serviceRows())
                .filteredOn(r -> r.key.granularity == Granularity.HOUR)
                .as("partials: MergeRows adds them up")
                .extracting(r -> r.metrics.calls)
                .containsExactly(1L, 1L);
    }

    @Test
    void emittedRowsAreNotEmittedAgain() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        harness.processWatermark(MINUTE_WRITE);
        harness.processWatermark(MINUTE_WRITE + 60_000);

        assertThat(rows()).hasSize(ROWS_OF_ONE_CALL);
    }

    @Test
    void aCallOfAMinuteAlreadyWrittenGoesOnAtTheNextWatermark() throws Exception {
        harness.processWatermark(MINUTE_WRITE + 5000);
        send(pairedCall("r1", T0 + 1000, 100));
        assertThat(rows()).isEmpty();

        harness.processWatermark(MINUTE_WRITE + 5001);
        assertThat(serviceRows())
                .extracting(r -> r.key.granularity)
                .containsExactlyInAnyOrder(Granularity.MINUTE, Granularity.HOUR, Granularity.DAY);
    }

    @Test
    void prepareSnapshotPreBarrierFlushesRowsThatAreNotDueYet() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        harness.prepareSnapshotPreBarrier(1L);

        assertThat(serviceRows())
                .extracting(r -> r.key.granularity)
                .containsExactlyInAnyOrder(Granularity.MINUTE, Granularity.HOUR, Granularity.DAY);
        assertThat(rows()).hasSize(ROWS_OF_ONE_CALL);
        assertThat(harness.getOutput()).noneMatch(o -> o instanceof Watermark);

        harness.processWatermark(MINUTE_WRITE);
        assertThat(rows()).as("flushed rows are not emitted again").hasSize(ROWS_OF_ONE_CALL);
    }

    @Test
    void theEndOfInputFlushes() throws Exception {
        send(pairedCall("r1", T0 + 1000, 100));
        closed = true;
        harness.close();

        assertThat(rows()).hasSize(ROWS_OF_ONE_CALL);
    }

    @Test
    void duplicatesAndLateSidesOnlyEmitPipelineStats() throws Exception {
        send(
                CallEvent.dropped(
                        CallEvent.Kind.DUPLICATE, client("r1", "A", "B").at(T0 + 1000).build()));
        send(CallEvent.dropped(CallEvent.Kind.LATE, server("r2", "A", "B").at(T0 + 2000).build()));
        harness.processWatermark(MINUTE_WRITE);

        assertThat(rows()).extracting(r -> r.key.table).containsOnly(Table.PIPELINE_STATS);
        assertThat(rows())
                .extracting(r -> r.key.granularity)
                .containsExactlyInAnyOrder(Granularity.MINUTE, Granularity.HOUR, Granularity.DAY);
        assertThat(rows())
                .allSatisfy(
                        r -> {
                            assertThat(r.metrics.sides).isEqualTo(2);
                            assertThat(r.metrics.duplicateSides).isEqualTo(1);
                            assertThat(r.metrics.lateSides).isEqualTo(1);
                        });
    }

    private void send(CallEvent event) throws Exception {
        harness.processElement(new StreamRecord<>(event, event.callTime));
    }

    private List<MetricRecord> rows() {
        return harness.extractOutputValues();
    }

    private List<MetricRecord> serviceRows() {
        return rows().stream().filter(r -> r.key.table == Table.SERVICE_METRICS).toList();
    }

    /** A paired call A -> B; the client saw 10 ms more than the server. */
    private static CallEvent pairedCall(String requestId, long time, int serverLatency) {
        return CallEvent.paired(
                client(requestId, "A", "B").at(time).latency(serverLatency + 10).build(),
                server(requestId, "A", "B").at(time + 2).latency(serverLatency).build());
    }
}
