package io.meshflow.pair;

import io.meshflow.decode.Side;

import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import java.util.stream.Stream;

/**
 * The operator that runs {@link PairSides}: Flink's keyed process operator, which on start also
 * counts the keys that hold pairing state (those of a restored checkpoint or savepoint; none on a
 * fresh start) for the function's {@code inFlightKeys} gauge. Counting once on restore keeps the
 * gauge exact whatever the parallelism before and after, at no cost per side.
 */
public final class PairSidesOperator
        extends KeyedProcessOperator<Tuple3<String, String, String>, Side, CallEvent> {
    private static final long serialVersionUID = 1L;

    public PairSidesOperator(PairSides pairSides) {
        super(pairSides);
    }

    @Override
    public void open() throws Exception {
        super.open();
        try (Stream<Tuple3<String, String, String>> keys =
                this.<Tuple3<String, String, String>>getKeyedStateBackend()
                        .getKeys(PairSides.STATE, VoidNamespace.INSTANCE)) {
            ((PairSides) userFunction).restoredKeys(keys.count());
        }
    }
}
