package io.meshflow.pair;

import io.meshflow.decode.Side;
import io.meshflow.decode.SplitBatches;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins the client and the server side of each request into one call (SPEC section 3), keyed by the
 * pairing key (requestId, sourceServiceName, destServiceName).
 *
 * <p>One state per key, {@link PairState}, and one timer, always recomputed from it: while a side
 * waits for its partner the timer is its pair deadline (pair.timeout after its call time, or after
 * the watermark at its arrival if it came late, within its bucket's updates: SPEC 3); once the call
 * is settled, the time its minute bucket is forgotten, when the state is cleared (a call settled by
 * its partner keeps its pair-deadline timer, which sets the later one when it fires: never more
 * than one timer, never one after the time its state says). Redeliveries that arrive in between are
 * recognised and dropped. Event time alone bounds the state: there is no processing-time TTL, so a
 * job resumed from a savepoint however long after finds every waiting side and fingerprint intact.
 *
 * <p>TCP sides (SPEC 3, TCP) are never paired: each is counted at once and its key (the whole
 * report, {@link PairingKey}) remembered until its minute bucket is forgotten, so that its
 * redeliveries are dropped, like a side without a request id.
 *
 * <p>Late sides are found upstream, where they are read ({@link SplitBatches}), and arrive here
 * marked.
 */
public class PairSides
        extends KeyedProcessFunction<Tuple3<String, String, String>, Side, CallEvent> {
    private static final long serialVersionUID = 1L;

    /** The name of the keyed state of {@link PairState}. */
    static final String STATE = "pair";

    private final Timing timing;

    /**
     * Keys that hold pairing state now, in this subtask: counted as state is created and cleared,
     * from the count {@link PairSidesOperator} finds on restore. The {@code inFlightKeys} gauge.
     */
    private long inFlightKeys;

    private transient ValueState<PairState> state;

    /** Fingerprints of a hot key's sides beyond {@link PairState#INLINE_FINGERPRINTS}. */
    private transient MapState<Long, Boolean> overflow;

    private transient Counter sides;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter paired;
    private transient Counter clientOnly;
    private transient Counter serverOnly;
    private transient Counter retries;
    private transient Counter tcpSides;

    public PairSides(Timing timing) {
        this.timing = timing;
    }

    @Override
    public void open(OpenContext openContext) {
        // No TTL: every key's timer clears it (onTimer), and a processing-time TTL would expire
        // waiting sides and fingerprints of a job stopped longer than it, while their timers
        // remain.
        state = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE, PairState.class));
        MapStateDescriptor<Long, Boolean> overflowDescriptor =
                new MapStateDescriptor<>("pair-overflow", Types.LONG, Types.BOOLEAN);
        overflow = getRuntimeContext().getMapState(overflowDescriptor);

        var metrics = getRuntimeContext().getMetricGroup();
        sides = metrics.counter("sides");
        duplicates = metrics.counter("duplicateSides");
        late = metrics.counter("lateSides");
        paired = metrics.counter("pairedCalls");
        clientOnly = metrics.counter("clientOnlyCalls");
        serverOnly = metrics.counter("serverOnlyCalls");
        retries = metrics.counter("serverRetries");
        tcpSides = metrics.counter("tcpSides");
        Gauge<Long> keys = this::inFlightKeys;
        metrics.gauge("inFlightKeys", keys);
    }

    /** Keys that hold pairing state now in this subtask (the {@code inFlightKeys} gauge). */
    long inFlightKeys() {
        return inFlightKeys;
    }

    /** Called once on start with the number of keys that hold restored state. */
    void restoredKeys(long count) {
        inFlightKeys = count;
    }

    @Override
    public void processElement(Side side, Context ctx, Collector<CallEvent> out) throws Exception {
        sides.inc();
        if (side.late) {
            // Found late where it was read (SplitBatches): it only counts in pipeline_stats.
            late.inc();
            out.collect(CallEvent.dropped(CallEvent.Kind.LATE, side));
            return;
        }
        PairState current = state.value();

        if (current == null) {
            PairState fresh = new PairState();
            fresh.callTime = side.startTime;
            fresh.deadline =
                    timing.pairDeadline(side.startTime, ctx.timerService().currentWatermark());
            remember(fresh, side);
            if (side.tcp) {
                // Counted from its own end, in the minute of its startTime (SPEC 3, TCP).
                tcpSides.inc();
                out.collect(CallEvent.tcp(side));
                fresh.settle();
            } else if (side.requestId.isEmpty()) {
                // Never paired (SPEC 3): counted at once, remembered only to drop its redeliveries.
                emitCall(CallEvent.oneSided(side), out);
                fresh.settle();
            } else if (side.client) {
                fresh.client = side;
            } else {
                fresh.server = side;
            }
            state.update(fresh);
            inFlightKeys++;
            ctx.timerService().registerEventTimeTimer(timerFor(fresh));
            return;
        }

        if (hasSeen(current, side.fingerprint())) {
            duplicates.inc();
            out.collect(CallEvent.dropped(CallEvent.Kind.DUPLICATE, side));
            return;
        }

        long timerBefore = timerFor(current);
        if (!current.settled && side.client && current.client == null) {
            // The client side of a waiting server side: the call is paired, and its time is the
            // client's.
            remember(current, side);
            current.callTime = side.startTime;
            emitSettled(CallEvent.paired(side, current.server), current, out);
        } else if (!current.settled && !side.client && current.server == null) {
            remember(current, side);
            emitSettled(CallEvent.paired(current.client, side), current, out);
        } else if (!side.client) {
            // A later, different server side: a retry attempt, in the bucket of its call.
            remember(current, side);
            if (current.settled) {
                emitRetry(side, current, out);
            } else {
                current.addPendingRetry(side);
            }
        } else {
            // Another client side under a key that already has one: a call of its own, as its
            // caller saw it.
            remember(current, side);
            emitCall(CallEvent.oneSided(side), out);
        }
        state.update(current);
        long timerAfter = timerFor(current);
        if (timerAfter < timerBefore) {
            ctx.timerService().deleteEventTimeTimer(timerBefore);
            ctx.timerService().registerEventTimeTimer(timerAfter);
        }
        // A later timer (the call settled: its forget time) is left to the waiting one, which
        // registers it when it fires (onTimer): deleting a timer from Flink's timer queue cost
        // as much as registering one, and most keys settle this way.
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CallEvent> out)
            throws Exception {
        PairState current = state.value();
        if (current == null) {
            return;
        }
        long due = timerFor(current);
        if (timestamp < due) {
            // The key's timer moved later since this one was set (see processElement).
            ctx.timerService().registerEventTimeTimer(due);
            return;
        }
        if (timestamp != due) {
            return;
        }
        if (current.settled) {
            // The call's bucket is forgotten downstream: no side of this key can count any more.
            state.clear();
            inFlightKeys--;
            if (current.overflow) {
                overflow.clear();
            }
            return;
        }
        // The partner did not come within pair.timeout: a one-sided call.
        Side waiting = current.client != null ? current.client : current.server;
        emitSettled(CallEvent.oneSided(waiting), current, out);
        state.update(current);
        ctx.timerService().registerEventTimeTimer(timerFor(current));
    }

    private boolean hasSeen(PairState current, long fingerprint) throws Exception {
        return current.hasSeenInline(fingerprint)
                || (current.overflow && overflow.contains(fingerprint));
    }

    private void remember(PairState current, Side side) throws Exception {
        if (!current.remember(side)) {
            overflow.put(side.fingerprint(), Boolean.TRUE);
        }
    }

    /** The time of the one timer a key has, derived from its state. */
    private long timerFor(PairState s) {
        if (s.settled) {
            return timing.callForgetTime(s.callTime);
        }
        return s.deadline != 0 ? s.deadline : timing.pairDeadline(s.callTime);
    }

    private void emitSettled(CallEvent call, PairState current, Collector<CallEvent> out) {
        emitCall(call, out);
        current.caller = call.sourceService;
        for (Side retry : current.pendingRetries) {
            emitRetry(retry, current, out);
        }
        current.settle();
    }

    private void emitCall(CallEvent call, Collector<CallEvent> out) {
        switch (call.kind) {
            case PAIRED -> paired.inc();
            case CLIENT_ONLY -> clientOnly.inc();
            default -> serverOnly.inc();
        }
        out.collect(call);
    }

    private void emitRetry(Side server, PairState call, Collector<CallEvent> out) {
        retries.inc();
        out.collect(CallEvent.retry(server, call.callTime, call.caller));
    }
}
