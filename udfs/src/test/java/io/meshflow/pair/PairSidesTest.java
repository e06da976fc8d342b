package io.meshflow.pair;

import io.meshflow.decode.Side;
import io.meshflow.pair.CallEvent.Kind;
import io.meshflow.testing.Sides;
import io.meshflow.time.Timing;

import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.meshflow.testing.Sides.T0;
import static io.meshflow.testing.Sides.client;
import static io.meshflow.testing.Sides.server;
import static io.meshflow.testing.Sides.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every arrival order of the two sides of a request; each test ends with no state and no timer
 * left.
 */
class PairSidesTest {
    private static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60));

    /** Past every bucket the tests use: all timers have fired. */
    private static final long THE_END = T0 + Duration.ofDays(3).toMillis();

    private KeyedOneInputStreamOperatorTestHarness<Tuple3<String, String, String>, Side, CallEvent>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<
                    Tuple3<String, String, String>, Side, CallEvent>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new PairSidesOperator(new PairSides(TIMING)), new PairingKey(), PairingKey.TYPE);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void clientFirstThenServerMakeOnePairedCall() throws Exception {
        send(client("r1", "A", "B").at(T0 + 1000).latency(110).code(200));
        send(server("r1", "A", "B").at(T0 + 1005).latency(100).code(200));

        List<CallEvent> events = events();
        assertThat(events)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.PAIRED);
                            assertThat(e.callTime).isEqualTo(T0 + 1000);
                            assertThat(e.nodeLatency).isEqualTo(100);
                            assertThat(e.edgeLatency).isEqualTo(110);
                            assertThat(e.clientLatency - e.serverLatency).isEqualTo(10);
                            assertThat(e.clientStart).isEqualTo(T0 + 1000);
                            assertThat(e.serverStart).isEqualTo(T0 + 1005);
                            assertThat(e.mtls).isTrue();
                        });
        assertEverythingCleared();
    }

    @Test
    void serverFirstThenClientMakeOnePairedCallAtTheClientsTime() throws Exception {
        send(server("r1", "A", "B").at(T0 + 1005).latency(100).code(500));
        send(client("r1", "A", "B").at(T0 + 1000).latency(110).code(200));

        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.PAIRED);
                            assertThat(e.callTime).isEqualTo(T0 + 1000);
                            assertThat(e.nodeSuccess)
                                    .as("node metrics take the server's view")
                                    .isFalse();
                            assertThat(e.edgeSuccess)
                                    .as("edge metrics take the client's view")
                                    .isTrue();
                        });
        assertEverythingCleared();
    }

    @Test
    void redeliveryBeforeSettlementIsDroppedAndCounted() throws Exception {
        send(client("r1", "A", "B"));
        send(client("r1", "A", "B"));
        send(server("r1", "A", "B").at(T0 + 1005));

        assertThat(kinds()).containsExactly(Kind.DUPLICATE, Kind.PAIRED);
        assertEverythingCleared();
    }

    @Test
    void redeliveryAfterSettlementIsDroppedAndCounted() throws Exception {
        send(client("r1", "A", "B"));
        send(server("r1", "A", "B").at(T0 + 1005));
        harness.processWatermark(T0 + 30_000);
        send(server("r1", "A", "B").at(T0 + 1005));
        send(client("r1", "A", "B"));

        assertThat(kinds()).containsExactly(Kind.PAIRED, Kind.DUPLICATE, Kind.DUPLICATE);
        assertEverythingCleared();
    }

    @Test
    void redeliveryOfATimedOutSideIsDropped() throws Exception {
        send(client("r1", "A", "B"));
        harness.processWatermark(T0 + 1000 + 10_000);
        send(client("r1", "A", "B"));

        assertThat(kinds()).containsExactly(Kind.CLIENT_ONLY, Kind.DUPLICATE);
        assertEverythingCleared();
    }

    @Test
    void aLaterDifferentServerSideIsARetryInItsCallsBucket() throws Exception {
        send(client("r1", "A", "B").at(T0 + 59_000).latency(250));
        send(server("r1", "A", "B").at(T0 + 59_001).latency(100).code(503));
        send(server("r1", "A", "B").at(T0 + 60_110).latency(120).code(200));

        List<CallEvent> events = events();
        assertThat(events).extracting(e -> e.kind).containsExactly(Kind.PAIRED, Kind.RETRY);
        assertThat(events.get(0).nodeResponseCode).as("the first server side pairs").isEqualTo(503);
        CallEvent retry = events.get(1);
        assertThat(retry.callTime)
                .as("the bucket of its call, not the next minute")
                .isEqualTo(T0 + 59_000);
        assertThat(retry.nodeResponseCode).isEqualTo(200);
        assertThat(retry.serverStart).isEqualTo(T0 + 60_110);
        assertEverythingCleared();
    }

    @Test
    void aRetryBeforeTheClientArrivesWaitsForTheCallsTime() throws Exception {
        send(server("r1", "A", "B").at(T0 + 1005).code(503));
        send(server("r1", "A", "B").at(T0 + 1200).code(200));
        send(client("r1", "A", "B").at(T0 + 1000));

        List<CallEvent> events = events();
        assertThat(events).extracting(e -> e.kind).containsExactly(Kind.PAIRED, Kind.RETRY);
        assertThat(events).extracting(e -> e.callTime).containsOnly(T0 + 1000);
        assertEverythingCleared();
    }

    @Test
    void aClientWhoseServerNeverComesIsClientOnlyAfterTheTimeout() throws Exception {
        send(client("r1", "A", "B").at(T0 + 1000).latency(1000).code(503));
        harness.processWatermark(T0 + 1000 + 9_999);
        assertThat(events()).as("still waiting for the server").isEmpty();

        harness.processWatermark(T0 + 1000 + 10_000);
        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.CLIENT_ONLY);
                            assertThat(e.callTime).isEqualTo(T0 + 1000);
                            assertThat(e.nodeResponseCode)
                                    .as("one view serves both")
                                    .isEqualTo(503);
                            assertThat(e.edgeResponseCode).isEqualTo(503);
                        });
        assertEverythingCleared();
    }

    @Test
    void aServerWhoseCallerNeverReportsIsServerOnlyAfterTheTimeout() throws Exception {
        send(server("r1", "", "A").at(T0 + 4000).latency(20));
        harness.processWatermark(T0 + 4000 + 10_000);

        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.SERVER_ONLY);
                            assertThat(e.sourceService).isEmpty();
                            assertThat(e.callTime).isEqualTo(T0 + 4000);
                        });
        assertEverythingCleared();
    }

    @Test
    void aServerSideAfterItsClientTimedOutIsCountedAsAnotherAttempt() throws Exception {
        send(client("r1", "A", "B").at(T0 + 1000));
        harness.processWatermark(T0 + 20_000);
        send(server("r1", "A", "B").at(T0 + 1005));

        List<CallEvent> events = events();
        assertThat(events).extracting(e -> e.kind).containsExactly(Kind.CLIENT_ONLY, Kind.RETRY);
        assertThat(events.get(1).callTime).isEqualTo(T0 + 1000);
        assertEverythingCleared();
    }

    @Test
    void twoLateSidesPairWhenTheLateClientArrivesFirst() throws Exception {
        // Both sides reach the job 40 s late, far past call time + pair.timeout (T0 + 11 s).
        harness.processWatermark(T0 + 40_000);
        send(client("r1", "A", "B").at(T0 + 1000).latency(110));
        harness.processWatermark(T0 + 45_000);
        send(server("r1", "A", "B").at(T0 + 1005).latency(100));

        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.PAIRED);
                            assertThat(e.callTime).isEqualTo(T0 + 1000);
                        });
        assertEverythingCleared();
    }

    @Test
    void twoLateSidesPairWhenTheLateClientArrivesSecond() throws Exception {
        harness.processWatermark(T0 + 40_000);
        send(server("r1", "A", "B").at(T0 + 1005).latency(100).code(503));
        harness.processWatermark(T0 + 49_999);
        send(client("r1", "A", "B").at(T0 + 1000).latency(110));

        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.PAIRED);
                            assertThat(e.callTime).isEqualTo(T0 + 1000);
                            assertThat(e.nodeResponseCode).isEqualTo(503);
                        });
        assertEverythingCleared();
    }

    @Test
    void aLateSideWaitsPairTimeoutFromTheWatermarkAtItsArrival() throws Exception {
        harness.processWatermark(T0 + 40_000);
        send(client("r1", "A", "B").at(T0 + 1000).code(200));
        harness.processWatermark(T0 + 40_000 + 9_999);
        assertThat(events()).as("still waiting for the server").isEmpty();

        harness.processWatermark(T0 + 40_000 + 10_000);
        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.CLIENT_ONLY);
                            assertThat(e.callTime).as("still its own bucket").isEqualTo(T0 + 1000);
                        });
        // its partner, later still: another attempt of the call, in the same bucket
        send(server("r1", "A", "B").at(T0 + 1005));
        assertThat(kinds()).containsExactly(Kind.CLIENT_ONLY, Kind.RETRY);
        assertEverythingCleared();
    }

    @Test
    void aLateSideNeverWaitsPastTheLastUpdateOfItsBucket() throws Exception {
        long lastUpdate = TIMING.callForgetTime(T0 + 1000) - 1;
        assertThat(lastUpdate).as("10:01:09.999 + allowed lateness").isEqualTo(T0 + 129_998);
        harness.processWatermark(lastUpdate - 5_000);
        send(server("r1", "A", "B").at(T0 + 1005));
        harness.processWatermark(lastUpdate - 1);
        assertThat(events()).isEmpty();

        harness.processWatermark(lastUpdate);
        assertThat(kinds())
                .as("timed out while its bucket still takes the one-sided call")
                .containsExactly(Kind.SERVER_ONLY);
        assertEverythingCleared();
    }

    @Test
    void aSideMarkedLateIsCountedAsLateAndTouchesNoState() throws Exception {
        Side late = client("r1", "A", "B").at(T0 + 1000).build();
        late.late = true;
        harness.processElement(late, late.startTime);

        assertThat(kinds()).containsExactly(Kind.LATE);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void sidesWithoutRequestIdAreNeverPairedButTheirRedeliveriesAreDropped() throws Exception {
        send(client("", "A", "B").at(T0 + 1000));
        send(server("", "A", "B").at(T0 + 1005));
        send(client("", "A", "B").at(T0 + 1000));

        assertThat(kinds()).containsExactly(Kind.CLIENT_ONLY, Kind.SERVER_ONLY, Kind.DUPLICATE);
        assertEverythingCleared();
    }

    @Test
    void theSameRequestIdOnAnotherHopIsAnotherCall() throws Exception {
        send(client("r1", "A", "B").at(T0 + 1000));
        send(client("r1", "B", "C").at(T0 + 1010));
        send(server("r1", "B", "C").at(T0 + 1012));
        send(server("r1", "A", "B").at(T0 + 1005));

        assertThat(events())
                .extracting(e -> e.kind + " " + e.sourceService + "->" + e.destService)
                .containsExactly("PAIRED B->C", "PAIRED A->B");
        assertEverythingCleared();
    }

    @Test
    void settledCallsKeepOnlyFingerprintsUntilTheirBucketIsForgotten() throws Exception {
        send(client("r1", "A", "B").at(T0 + 1000));
        send(server("r1", "A", "B").at(T0 + 1005));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(TIMING.callForgetTime(T0 + 1000) - 1);
        assertThat(harness.numKeyedStateEntries())
                .as("kept to recognise redeliveries")
                .isEqualTo(1);
        harness.processWatermark(TIMING.callForgetTime(T0 + 1000));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aHotKeyRecognisesEveryRedeliveryAndLeavesNothingBehind() throws Exception {
        // One request id reused by thousands of sides: beyond the inline fingerprints the rest go
        // to
        // the key's overflow map, so every side costs the same; redeliveries are still recognised.
        int sides = 5_000;
        send(client("hot", "A", "B").at(T0).latency(10));
        send(server("hot", "A", "B").at(T0 + 1).latency(9));
        for (int i = 1; i <= sides; i++) {
            send(server("hot", "A", "B").at(T0 + 1 + i).latency(9));
        }
        for (int i = 1; i <= sides; i += 7) {
            send(server("hot", "A", "B").at(T0 + 1 + i).latency(9));
        }

        assertThat(kinds()).filteredOn(k -> k == Kind.RETRY).hasSize(sides);
        assertThat(kinds()).filteredOn(k -> k == Kind.DUPLICATE).hasSize((sides + 6) / 7);
        assertThat(kinds()).filteredOn(k -> k == Kind.PAIRED).hasSize(1);
        // the pair state and the overflow map (a normal key has the pair state alone)
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertEverythingCleared();
    }

    @Test
    void aSavepointResumedLongAfterTheStopLosesNoWaitingSideAndNoFingerprint() throws Exception {
        send(client("waiting", "A", "B").at(T0 + 1000));
        send(client("settled", "A", "B").at(T0 + 2000));
        send(server("settled", "A", "B").at(T0 + 2005));
        OperatorSubtaskState savepoint = harness.snapshot(1, T0 + 3000);
        harness.close();

        // Resumed a month later by the wall clock: no processing-time TTL may expire anything.
        harness = newHarness();
        harness.setStateTtlProcessingTime(Duration.ofDays(30).toMillis());
        harness.setProcessingTime(Duration.ofDays(30).toMillis());
        harness.initializeState(savepoint);
        harness.open();
        send(server("waiting", "A", "B").at(T0 + 1005));
        send(server("settled", "A", "B").at(T0 + 2005));

        assertThat(kinds())
                .as("the waiting side pairs; the redelivery is still recognised")
                .containsExactly(Kind.PAIRED, Kind.DUPLICATE);
        assertEverythingCleared();
    }

    @Test
    void eachTcpSideCountsAtOnceFromItsOwnEndAndIsNeverPaired() throws Exception {
        send(tcp(true, "app", "db").at(T0 + 1000).failed("UF"));
        send(tcp(false, "app", "db").at(T0 + 1000));

        assertThat(events())
                .extracting(e -> e.kind, e -> e.tcpClient, e -> e.tcpFailed, e -> e.callTime)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.TCP, true, true, T0 + 1000),
                        org.assertj.core.groups.Tuple.tuple(Kind.TCP, false, false, T0 + 1000));
        assertThat(events()).allSatisfy(e -> assertThat(e.durationMs).isEqualTo(250));
        assertEverythingCleared();
    }

    @Test
    void aSpansRetryTakesItsSourceFromTheSettledCallsClient() throws Exception {
        send(clientSpan("t1-c1", 0xc1).at(T0 + 59_000).latency(250));
        send(serverSpan("t1-c1", 0x51).at(T0 + 59_001).latency(100).code(503));
        send(serverSpan("t1-c1", 0x52).at(T0 + 60_110).latency(120).code(200));
        send(serverSpan("t1-c1", 0x52).at(T0 + 60_110).latency(120).code(200));

        List<CallEvent> events = events();
        assertThat(events)
                .extracting(e -> e.kind)
                .containsExactly(Kind.PAIRED, Kind.RETRY, Kind.DUPLICATE);
        assertThat(events.get(0).sourceService).isEqualTo("A");
        assertThat(events.get(0).sourceInstance).isEqualTo("A-1");
        assertThat(events.get(0).destService).isEqualTo("B");
        assertThat(events.get(0).destInstance).isEqualTo("B-1");
        CallEvent retry = events.get(1);
        assertThat(retry.sourceService).as("the client span's service, not unknown").isEqualTo("A");
        assertThat(retry.destService).isEqualTo("B");
        assertThat(retry.callTime).isEqualTo(T0 + 59_000);
        assertEverythingCleared();
    }

    @Test
    void aTcpRedeliveryIsDroppedAndCountedUntilItsBucketIsForgotten() throws Exception {
        send(tcp(true, "app", "db").at(T0 + 1000));
        harness.processWatermark(T0 + 30_000);
        // the same report again: detect point, services, instances, startTime and endTime
        send(tcp(true, "app", "db").at(T0 + 1000));

        assertThat(events()).extracting(e -> e.kind).containsExactly(Kind.TCP, Kind.DUPLICATE);
        assertThat(events().get(1).clientStart).isEqualTo(T0 + 1000);
    }

    @Test
    void tcpSidesThatDifferInAnyPartOfTheReportAreEachCounted() throws Exception {
        send(tcp(true, "app", "db").at(T0 + 1000));
        send(tcp(true, "app", "db").at(T0 + 1000).endingAt(T0 + 9000));
        send(tcp(true, "app", "db").at(T0 + 1001));
        send(tcp(true, "app", "db").at(T0 + 1000).instances("app-2", "db-1"));
        send(tcp(true, "app", "db").at(T0 + 1000).instances("app-1", "db-2"));
        send(tcp(false, "app", "db").at(T0 + 1000));
        send(tcp(true, "app", "cache").at(T0 + 1000));
        send(tcp(true, "web", "db").at(T0 + 1000));
        // the same report as an HTTP side without request id: not the same side
        send(client("", "app", "db").at(T0 + 1000));

        assertThat(events())
                .extracting(e -> e.kind)
                .containsExactly(
                        Kind.TCP,
                        Kind.TCP,
                        Kind.TCP,
                        Kind.TCP,
                        Kind.TCP,
                        Kind.TCP,
                        Kind.TCP,
                        Kind.TCP,
                        Kind.CLIENT_ONLY);
        assertEverythingCleared();
    }

    @Test
    void aFloodOfNeverPairedSidesLeavesNoStateOnceItsBucketsAreForgotten() throws Exception {
        // 20,000 sides whose partners never come, all in one minute.
        int flood = 20_000;
        for (int i = 0; i < flood; i++) {
            Sides side = i % 2 == 0 ? client("lost-" + i, "A", "B") : server("lost-" + i, "A", "B");
            send(side.at(T0 + i * 2L));
        }
        long lastCall = T0 + (flood - 1) * 2L;
        assertThat(harness.numKeyedStateEntries()).isEqualTo(flood);

        harness.processWatermark(TIMING.pairDeadline(lastCall));
        assertThat(kinds()).hasSize(flood).doesNotContain(Kind.PAIRED);
        assertThat(harness.numKeyedStateEntries())
                .as("fingerprints kept for redeliveries until the buckets are forgotten")
                .isEqualTo(flood);

        harness.processWatermark(TIMING.callForgetTime(lastCall));
        assertThat(harness.numKeyedStateEntries()).as("keyed state left").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers left").isZero();
    }

    @Test
    void aTcpSideKeepsOneStateAndOneTimerUntilItsBucketIsForgottenThenNothing() throws Exception {
        send(tcp(true, "app", "db").at(T0 + 1000));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(TIMING.callForgetTime(T0 + 1000) - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        send(tcp(true, "app", "db").at(T0 + 1000));
        assertThat(events()).extracting(e -> e.kind).containsExactly(Kind.TCP, Kind.DUPLICATE);

        harness.processWatermark(TIMING.callForgetTime(T0 + 1000));
        assertThat(harness.numKeyedStateEntries()).as("keyed state left").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers left").isZero();
    }

    @Test
    void aSpansRetryBeforeItsClientWaitsForTheClientsName() throws Exception {
        send(serverSpan("t1-c1", 0x51).at(T0 + 1005).code(503));
        send(serverSpan("t1-c1", 0x52).at(T0 + 1200).code(200));
        send(clientSpan("t1-c1", 0xc1).at(T0 + 1000));

        List<CallEvent> events = events();
        assertThat(events).extracting(e -> e.kind).containsExactly(Kind.PAIRED, Kind.RETRY);
        assertThat(events.get(1).sourceService).isEqualTo("A");
        assertEverythingCleared();
    }

    @Test
    void aRetryOfAServerOnlySpanHasAnUnnamedCaller() throws Exception {
        send(serverSpan("t1-c1", 0x51).at(T0 + 1005).code(503));
        harness.processWatermark(T0 + 1005 + 10_000);
        send(serverSpan("t1-c1", 0x52).at(T0 + 1200).code(200));

        List<CallEvent> events = events();
        assertThat(events).extracting(e -> e.kind).containsExactly(Kind.SERVER_ONLY, Kind.RETRY);
        assertThat(events.get(1).sourceService).isEmpty();
        assertEverythingCleared();
    }

    @Test
    void twoTraceRootsOfOneInstanceInOneMsAreTwoCalls() throws Exception {
        send(serverSpan("", 0x51).at(T0 + 1005));
        send(serverSpan("", 0x52).at(T0 + 1005));
        send(serverSpan("", 0x52).at(T0 + 1005));

        assertThat(kinds()).containsExactly(Kind.SERVER_ONLY, Kind.SERVER_ONLY, Kind.DUPLICATE);
        assertEverythingCleared();
    }

    /** A CLIENT span's side as SpanDecoder makes it: A-1 calls B, named by peer.service. */
    private static Sides clientSpan(String requestId, long spanId) {
        return client(requestId, "A", "B").instances("A-1", "").spanId(spanId);
    }

    /** A SERVER span's side as SpanDecoder makes it: B-1 served it, its caller unnamed. */
    private static Sides serverSpan(String requestId, long spanId) {
        return server(requestId, "", "B").instances("", "B-1").spanId(spanId);
    }

    @Test
    void aTcpSideMarkedLateIsCountedAsLateAndTouchesNoState() throws Exception {
        Side late = tcp(false, "app", "db").at(T0 + 1000).build();
        late.late = true;
        harness.processElement(late, late.startTime);

        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.kind).isEqualTo(Kind.LATE);
                            assertThat(e.serverStart).isEqualTo(T0 + 1000);
                        });
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void inFlightKeysCountsTheKeysThatHoldStateAcrossARestore() throws Exception {
        send(client("waiting", "A", "B").at(T0 + 1000));
        send(client("settled", "A", "B").at(T0 + 2000));
        send(server("settled", "A", "B").at(T0 + 2005));
        send(client("settled", "A", "B").at(T0 + 2000)); // a redelivery: no new key
        send(tcp(true, "app", "db").at(T0 + 3000));
        assertThat(inFlightKeys()).isEqualTo(3);
        OperatorSubtaskState savepoint = harness.snapshot(1, T0 + 3000);
        harness.close();

        harness = newHarness();
        harness.initializeState(savepoint);
        harness.open();
        assertThat(inFlightKeys()).as("counted on restore").isEqualTo(3);
        send(server("another", "A", "B").at(T0 + 4000));
        assertThat(inFlightKeys()).isEqualTo(4);
        assertEverythingCleared();
        assertThat(inFlightKeys()).as("every key forgotten").isZero();
    }

    private long inFlightKeys() {
        return ((PairSides) ((PairSidesOperator) harness.getOperator()).getUserFunction())
                .inFlightKeys();
    }

    private void send(Sides side) throws Exception {
        Side s = side.build();
        harness.processElement(s, s.startTime);
    }

    private List<CallEvent> events() {
        return harness.extractOutputValues();
    }

    private List<Kind> kinds() {
        return events().stream().map(e -> e.kind).toList();
    }

    private void assertEverythingCleared() throws Exception {
        harness.processWatermark(THE_END);
        assertThat(harness.numKeyedStateEntries()).as("keyed state left").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers left").isZero();
    }
}
