package io.meshflow.pair;

import io.meshflow.decode.Side;
import io.meshflow.testing.Sides;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's contract for serializers (copies, sequences, duplicates, snapshot and restore) held by
 * {@link CallEventSerializer}, over an event of every kind as pairing makes them, field for field.
 */
class CallEventSerializerContractTest extends SerializerTestBase<CallEvent> {

    CallEventSerializerContractTest() {
        // field by field: the class has no equals of its own
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) -> a instanceof CallEvent && b instanceof CallEvent,
                                (a, b, checker) -> sameFields(a, b)));
    }

    private static boolean sameFields(Object should, Object is) {
        try {
            assertThat(is).usingRecursiveComparison().isEqualTo(should);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    @Override
    protected TypeSerializer<CallEvent> createSerializer() {
        return CallEventSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CallEvent> getTypeClass() {
        return CallEvent.class;
    }

    @Override
    protected CallEvent[] getTestData() {
        Side client = Sides.client("r1", "A", "B").latency(110).code(200).build();
        Side server = Sides.server("r1", "A", "B").at(Sides.T0 + 5).latency(90).code(503).build();
        Side unicode = Sides.client("", "gränssnitt", "服务").endpoint("GET:/ä/{id}").build();
        CallEvent capped = CallEvent.oneSided(unicode);
        capped.endpoint = "{other}";
        capped.endpointOverflow = true;
        return new CallEvent[] {
            CallEvent.paired(client, server),
            CallEvent.oneSided(server),
            capped,
            CallEvent.retry(server, Sides.T0, "A"),
            CallEvent.dropped(CallEvent.Kind.DUPLICATE, client),
            CallEvent.dropped(CallEvent.Kind.LATE, server),
            CallEvent.ignored(Sides.T0 + 7),
            CallEvent.tcp(Sides.tcp(true, "app", "db").at(Sides.T0 + 9).failed("UF").build())
        };
    }

    @Test
    void flinkUsesItWhereverACallEventTravels() {
        assertThat(
                        TypeInformation.of(CallEvent.class)
                                .createSerializer(
                                        new org.apache.flink.api.common.serialization
                                                .SerializerConfigImpl()))
                .isSameAs(CallEventSerializer.INSTANCE);
    }
}
