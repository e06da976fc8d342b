package io.meshflow.decode;

import io.meshflow.testing.Sides;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's contract for serializers (copies, sequences, duplicates, snapshot and restore) held by
 * {@link SideSerializer}, over SkyWalking and span sides, late and not.
 */
class SideSerializerContractTest extends SerializerTestBase<Side> {

    SideSerializerContractTest() {
        // field by field: the class has no equals of its own
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) -> a instanceof Side && b instanceof Side,
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
    protected TypeSerializer<Side> createSerializer() {
        return SideSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<Side> getTypeClass() {
        return Side.class;
    }

    @Override
    protected Side[] getTestData() {
        Side span =
                Sides.server("0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331", "", "ratings")
                        .instances("", "ratings-1")
                        .tls("")
                        .build();
        span.keyedByRequestId = true;
        span.spanId = 0x80f067aa0ba902b7L;
        span.index = 3;
        Side late = Sides.client("r2", "A", "B").code(503).latency(1200).build();
        late.late = true;
        Side unicode = Sides.client("", "gränssnitt", "服务").endpoint("GET:/ä/{id}").build();
        return new Side[] {
            Sides.client("r1", "A", "B").build(),
            Sides.server("r1", "A", "B").at(Sides.T0 + 5).latency(90).build(),
            span,
            late,
            unicode
        };
    }
}
