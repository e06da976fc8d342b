package io.meshflow.aggregate;

import io.meshflow.pair.CallEvent;
import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's endpoints beyond the cap count under {other}; the names are kept for a day and then
 * cleared with every timer.
 */
class CapEndpointsTest {
    private static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(60));
    private static final long DAY = Granularity.DAY.bucketStart(T0);
    private static final long DAY_FORGET = TIMING.forgetTime(Granularity.DAY, DAY);

    private KeyedOneInputStreamOperatorTestHarness<String, CallEvent, CallEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new CapEndpoints(2, TIMING)),
                        CapEndpoints.key(),
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void namesBeyondTheCapCountUnderOther() throws Exception {
        send(call("reviews", "/a", T0));
        send(call("reviews", "/b", T0 + 1));
        send(call("reviews", "/c", T0 + 2));
        send(call("reviews", "/a", T0 + 3));
        send(call("ratings", "/c", T0 + 4));
        CallEvent retry = call("reviews", "/d", T0 + 5);
        retry.kind = CallEvent.Kind.RETRY;
        send(retry);

        List<CallEvent> out = output();
        assertThat(out)
                .extracting(e -> e.endpoint)
                .containsExactly("/a", "/b", "{other}", "/a", "/c", "{other}");
        assertThat(out)
                .extracting(e -> e.endpointOverflow)
                .as("only the call is an overflow call; a retry is no call")
                .containsExactly(false, false, true, false, false, false);
    }

    @Test
    void aNewDayStartsAfreshAndStateIsClearedWithTheDay() throws Exception {
        send(call("reviews", "/a", T0));
        send(call("reviews", "/b", T0));
        send(call("reviews", "/c", DAY + 86_400_000L + 1));
        assertThat(output()).extracting(e -> e.endpoint).containsExactly("/a", "/b", "/c");
        assertThat(harness.numEventTimeTimers()).as("one forget timer a day").isEqualTo(2);

        harness.processWatermark(DAY_FORGET - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(4);
        harness.processWatermark(DAY_FORGET);
        assertThat(harness.numKeyedStateEntries()).as("the next day's names").isEqualTo(2);
        harness.processWatermark(DAY_FORGET + 86_400_000L);

        assertThat(harness.numKeyedStateEntries()).as("keyed state left").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers left").isZero();
    }

    @Test
    void eventsWithoutEndpointPassUntouchedAndKeepNoState() throws Exception {
        CallEvent noEndpoint = call("reviews", "", T0);
        CallEvent duplicate = new CallEvent();
        duplicate.kind = CallEvent.Kind.DUPLICATE;
        duplicate.callTime = T0;
        send(noEndpoint);
        send(duplicate);

        assertThat(output()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private static CallEvent call(String dest, String endpoint, long time) {
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

    private void send(CallEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.callTime));
    }

    private List<CallEvent> output() {
        return harness.extractOutputValues();
    }
}
