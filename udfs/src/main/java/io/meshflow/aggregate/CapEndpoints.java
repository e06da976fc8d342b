package io.meshflow.aggregate;

import io.meshflow.pair.CallEvent;
import io.meshflow.time.Granularity;
import io.meshflow.time.Timing;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The per-service endpoint cap (SPEC 3, Endpoints): keyed by destination service and day, it
 * remembers the first {@code maxPerService} endpoint names of the day and renames every further one
 * {@code {other}}, marking those calls for {@code pipeline_stats.endpoint_overflow_calls}.
 *
 * <p>Its state is bounded (at most {@code maxPerService} names a key) and cleared by a timer when
 * the day is forgotten: no call of that day is counted after it.
 */
public class CapEndpoints extends KeyedProcessFunction<String, CallEvent, CallEvent> {
    private static final long serialVersionUID = 1L;

    /** The endpoint of the calls beyond the cap. */
    public static final String OTHER = "{other}";

    private final int maxPerService;
    private final Timing timing;

    private transient MapState<String, Boolean> names;
    private transient ValueState<Integer> count;

    public CapEndpoints(int maxPerService, Timing timing) {
        this.maxPerService = maxPerService;
        this.timing = timing;
    }

    /**
     * Destination service and UTC day of the call. Events without a destination (dropped sides)
     * share a key, and pass through without touching state.
     */
    public static KeySelector<CallEvent, String> key() {
        return e ->
                e.destService == null
                        ? ""
                        : Granularity.DAY.bucketStart(e.callTime) + "/" + e.destService;
    }

    @Override
    public void open(OpenContext openContext) {
        names =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "endpoint-names", Types.STRING, Types.BOOLEAN));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("endpoints", Types.INT));
    }

    @Override
    public void processElement(CallEvent e, Context ctx, Collector<CallEvent> out)
            throws Exception {
        if ((e.isCall() || e.kind == CallEvent.Kind.RETRY) && !e.endpoint.isEmpty()) {
            cap(e, ctx);
        }
        out.collect(e);
    }

    private void cap(CallEvent e, Context ctx) throws Exception {
        if (names.contains(e.endpoint)) {
            return;
        }
        Integer seen = count.value();
        int n = seen == null ? 0 : seen;
        if (n < maxPerService) {
            if (n == 0) {
                long day = Granularity.DAY.bucketStart(e.callTime);
                ctx.timerService().registerEventTimeTimer(timing.forgetTime(Granularity.DAY, day));
            }
            names.put(e.endpoint, true);
            count.update(n + 1);
            return;
        }
        e.endpoint = OTHER;
        // a retry is no call: it is not counted as one under {other} either
        e.endpointOverflow = e.isCall();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CallEvent> out) {
        names.clear();
        count.clear();
    }
}
