package io.meshflow.state;

import io.meshflow.aggregate.CapEndpoints;
import io.meshflow.aggregate.MergeRows;
import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.decode.Side;
import io.meshflow.pair.CallEvent;
import io.meshflow.pair.PairSides;
import io.meshflow.pair.PairSidesOperator;
import io.meshflow.pair.PairingKey;
import io.meshflow.testing.Sides;
import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.nio.file.Path;
import java.time.Duration;

import static io.meshflow.testing.Sides.T0;
import static io.meshflow.testing.Sides.client;
import static io.meshflow.testing.Sides.server;
import static io.meshflow.testing.Sides.tcp;

/**
 * The state this version keeps, and how a later build checks it still restores: each stateful
 * function is fed the first half of a small scenario and snapshotted mid-stream ({@link
 * SavedStateWriter} keeps the snapshots under {@link #KEPT}); {@link SavedStateTest} restores every
 * kept snapshot into today's functions and feeds the second half.
 */
final class SavedState {
    private SavedState() {}

    /** Every kept format's snapshots, one folder each. */
    static final Path KEPT = Path.of("src/test/resources/saved-state");

    /**
     * The folder this build writes: its state format (format 2: rows keep the latencies of a few
     * calls as values, MetricsAccumulatorSerializer).
     */
    static final String CURRENT = "format-2";

    static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60));

    /** Where the scenario stops: past the first calls, before any bucket is written. */
    static final long STOP = T0 + 5_000;

    static final MetricKey MINUTE = MetricKey.ofServiceMetrics(Granularity.MINUTE, T0, "B");
    static final MetricKey HOUR = MetricKey.ofServiceMetrics(Granularity.HOUR, T0, "B");

    static KeyedOneInputStreamOperatorTestHarness<Tuple3<String, String, String>, Side, CallEvent>
            pairing() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new PairSidesOperator(new PairSides(TIMING)), new PairingKey(), PairingKey.TYPE);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, CallEvent, CallEvent> endpointCap()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CapEndpoints(2, TIMING)),
                CapEndpoints.key(),
                Types.STRING);
    }

    /** Before the stop: a service has used up its two endpoint names of the day. */
    static void endpointCapBeforeStop(
            KeyedOneInputStreamOperatorTestHarness<String, CallEvent, CallEvent> harness)
            throws Exception {
        harness.processElement(call("reviews", "/a", T0), T0);
        harness.processElement(call("reviews", "/b", T0 + 1), T0 + 1);
        harness.processWatermark(STOP);
    }

    static CallEvent call(String dest, String endpoint, long time) {
        CallEvent e = new CallEvent();
        e.kind = CallEvent.Kind.PAIRED;
        e.callTime = time;
        e.sourceService = "productpage";
        e.sourceInstance = "";
        e.destService = dest;
        e.destInstance = "";
        e.endpoint = endpoint;
        return e;
    }

    static KeyedOneInputStreamOperatorTestHarness<MetricKey, MetricRecord, MetricRecord> rows()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MergeRows(TIMING)),
                r -> r.key,
                TypeInformation.of(MetricKey.class));
    }

    /**
     * Before the stop: a client side waiting for its server, a settled pair, a TCP side, a span's
     * client side waiting, and a hot key past its inline fingerprints.
     */
    static void pairingBeforeStop(
            KeyedOneInputStreamOperatorTestHarness<Tuple3<String, String, String>, Side, CallEvent>
                    harness)
            throws Exception {
        send(harness, client("waiting", "A", "B").at(T0 + 1_000).latency(110));
        send(harness, client("settled", "A", "B").at(T0 + 2_000));
        send(harness, server("settled", "A", "B").at(T0 + 2_005));
        send(harness, tcp(true, "app", "db").at(T0 + 3_000));
        send(harness, client("trace-span", "A", "C").at(T0 + 3_500).spanId(0xc1));
        for (int i = 0; i < 20; i++) {
            send(harness, server("hot", "A", "B").at(T0 + 4_000 + i));
        }
        harness.processWatermark(STOP);
    }

    static void rowsBeforeStop(
            KeyedOneInputStreamOperatorTestHarness<MetricKey, MetricRecord, MetricRecord> harness)
            throws Exception {
        harness.processElement(new MetricRecord(MINUTE, calls(3, 100)), T0);
        harness.processElement(new MetricRecord(HOUR, calls(3, 100)), T0);
        harness.processWatermark(STOP);
    }

    static MetricsAccumulator calls(int calls, int latencyMs) {
        MetricsAccumulator m = new MetricsAccumulator();
        for (int i = 0; i < calls; i++) {
            m.addCall(latencyMs, true, 200, 500);
        }
        return m;
    }

    static void send(
            KeyedOneInputStreamOperatorTestHarness<Tuple3<String, String, String>, Side, CallEvent>
                    harness,
            Sides side)
            throws Exception {
        Side s = side.build();
        harness.processElement(s, s.startTime);
    }
}
