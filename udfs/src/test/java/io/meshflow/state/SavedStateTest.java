package io.meshflow.state;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.pair.CallEvent;
import io.meshflow.pair.CallEvent.Kind;
import io.meshflow.time.Granularity;

import org.apache.flink.streaming.util.OperatorSnapshotUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.meshflow.state.SavedState.TIMING;
import static io.meshflow.state.SavedState.send;
import static io.meshflow.testing.Sides.T0;
import static io.meshflow.testing.Sides.client;
import static io.meshflow.testing.Sides.server;
import static io.meshflow.testing.Sides.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kept version's state restores into today's functions, which carry on as if they had never
 * stopped: the waiting side pairs, redeliveries are still recognised, rows are written whole.
 */
class SavedStateTest {

    static Stream<Path> keptVersions() throws IOException {
        try (Stream<Path> folders = Files.list(SavedState.KEPT)) {
            return folders.filter(Files::isDirectory).sorted().toList().stream();
        }
    }

    @Test
    void thisVersionsStateIsKept() {
        assertThat(SavedState.KEPT.resolve(SavedState.CURRENT).resolve("pair-sides.snapshot"))
                .isRegularFile();
        assertThat(SavedState.KEPT.resolve(SavedState.CURRENT).resolve("merge-rows.snapshot"))
                .isRegularFile();
        assertThat(SavedState.KEPT.resolve(SavedState.CURRENT).resolve("cap-endpoints.snapshot"))
                .isRegularFile();
    }

    @ParameterizedTest
    @MethodSource("keptVersions")
    void endpointCapStateRestoresAndKeepsCounting(Path version) throws Exception {
        try (var harness = SavedState.endpointCap()) {
            harness.initializeState(
                    OperatorSnapshotUtil.readStateHandle(
                            version.resolve("cap-endpoints.snapshot").toString()));
            harness.open();

            harness.processElement(SavedState.call("reviews", "/c", T0 + 10), T0 + 10);
            harness.processElement(SavedState.call("reviews", "/a", T0 + 11), T0 + 11);
            harness.processWatermark(
                    TIMING.forgetTime(Granularity.DAY, Granularity.DAY.bucketStart(T0)));

            assertThat(harness.extractOutputValues())
                    .extracting(e -> e.endpoint)
                    .as("the day's two names survived the stop")
                    .containsExactly("{other}", "/a");
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("keptVersions")
    void pairingStateRestoresAndCarriesOn(Path version) throws Exception {
        try (var harness = SavedState.pairing()) {
            harness.initializeState(
                    OperatorSnapshotUtil.readStateHandle(
                            version.resolve("pair-sides.snapshot").toString()));
            harness.open();

            send(harness, server("waiting", "A", "B").at(T0 + 1_005).latency(100));
            send(harness, client("settled", "A", "B").at(T0 + 2_000));
            send(harness, tcp(true, "app", "db").at(T0 + 3_000));
            send(harness, server("hot", "A", "B").at(T0 + 4_003));
            send(harness, server("hot", "A", "B").at(T0 + 4_019));
            harness.processWatermark(TIMING.callForgetTime(T0 + 60_000));

            List<CallEvent> events = harness.extractOutputValues();
            assertThat(events.subList(0, 5))
                    .extracting(e -> e.kind)
                    .as("sides after the restore: the waiting one pairs, redeliveries are known")
                    .containsExactly(
                            Kind.PAIRED,
                            Kind.DUPLICATE,
                            Kind.DUPLICATE,
                            Kind.DUPLICATE,
                            Kind.DUPLICATE);
            assertThat(events.get(0).edgeLatency).as("the waiting client's view").isEqualTo(110);
            // then the timers restored with the state: the span's client times out, the hot key's
            // first server side is server-only and its 19 other attempts retries
            assertThat(events.subList(5, events.size()))
                    .extracting(e -> e.kind)
                    .containsExactlyInAnyOrder(
                            Stream.concat(
                                            Stream.of(Kind.CLIENT_ONLY, Kind.SERVER_ONLY),
                                            Stream.generate(() -> Kind.RETRY).limit(19))
                                    .toArray(Kind[]::new));
            assertThat(events)
                    .filteredOn(e -> e.kind == Kind.CLIENT_ONLY)
                    .singleElement()
                    .satisfies(e -> assertThat(e.destService).isEqualTo("C"));
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("keptVersions")
    void rowStateRestoresAndIsWrittenWhole(Path version) throws Exception {
        try (var harness = SavedState.rows()) {
            harness.initializeState(
                    OperatorSnapshotUtil.readStateHandle(
                            version.resolve("merge-rows.snapshot").toString()));
            harness.open();

            harness.processElement(
                    new MetricRecord(SavedState.MINUTE, SavedState.calls(2, 300)), T0);
            harness.processElement(new MetricRecord(SavedState.HOUR, SavedState.calls(2, 300)), T0);
            harness.processWatermark(TIMING.forgetTime(Granularity.HOUR, T0));

            List<MetricRecord> rows = harness.extractOutputValues();
            assertThat(rows).isNotEmpty();
            MetricRecord minute =
                    rows.stream()
                            .filter(r -> r.key.equals(SavedState.MINUTE))
                            .reduce((a, b) -> b)
                            .orElseThrow();
            MetricRecord hour =
                    rows.stream()
                            .filter(r -> r.key.equals(SavedState.HOUR))
                            .reduce((a, b) -> b)
                            .orElseThrow();
            assertThat(minute.metrics.calls).isEqualTo(5);
            assertThat(minute.metrics.latencySumMs).isEqualTo(3 * 100 + 2 * 300);
            assertThat(hour.metrics.calls).isEqualTo(5);
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }
}
