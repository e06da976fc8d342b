package io.meshflow.pair;

import io.meshflow.decode.Side;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple3;

/**
 * The pairing key of SPEC 3: (requestId, sourceServiceName, destServiceName). A side without a
 * requestId is never paired: it gets a key of its own report instead, so that only its redeliveries
 * meet it.
 *
 * <p>A span's side ({@link Side#keyedByRequestId}, SPEC 1.3) is keyed by (requestId, "", ""): its
 * two spans do not agree on the names. A span without a request id (a trace-root SERVER span) is
 * keyed by its own report, span id included, so that two roots of one instance in one ms do not
 * meet.
 *
 * <p>A TCP side, never paired either, gets a key of everything that makes it the same report (SPEC
 * 3, TCP): detect point, instances, startTime and endTime, with the services of the tuple.
 */
public final class PairingKey implements KeySelector<Side, Tuple3<String, String, String>> {
    private static final long serialVersionUID = 1L;

    public static final TypeInformation<Tuple3<String, String, String>> TYPE =
            TypeInformation.of(new TypeHint<>() {});

    @Override
    public Tuple3<String, String, String> getKey(Side side) {
        if (side.tcp) {
            String report =
                    "\u0000t"
                            + (side.client ? 'c' : 's')
                            + side.startTime
                            + '\u0000'
                            + side.endTime
                            + '\u0000'
                            + side.sourceInstance
                            + '\u0000'
                            + side.destInstance;
            return Tuple3.of(report, side.sourceService, side.destService);
        }
        if (side.keyedByRequestId) {
            return Tuple3.of(
                    side.requestId.isEmpty()
                            ? ownReport(side) + '\u0000' + Long.toHexString(side.spanId)
                            : side.requestId,
                    "",
                    "");
        }
        String requestId = side.requestId.isEmpty() ? ownReport(side) : side.requestId;
        return Tuple3.of(requestId, side.sourceService, side.destService);
    }

    /** What keys a side that is never paired: its detect point, start time and instances. */
    private static String ownReport(Side side) {
        return "\u0000"
                + (side.client ? 'c' : 's')
                + side.startTime
                + '\u0000'
                + side.sourceInstance
                + '\u0000'
                + side.destInstance;
    }
}
