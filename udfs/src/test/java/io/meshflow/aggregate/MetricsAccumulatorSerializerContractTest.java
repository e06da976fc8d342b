package io.meshflow.aggregate;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

import org.HdrHistogram.Histogram;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's contract for serializers (copies, sequences, duplicates, snapshot and restore) held by
 * {@link MetricsAccumulatorSerializer}, histograms included.
 */
class MetricsAccumulatorSerializerContractTest extends SerializerTestBase<MetricsAccumulator> {

    MetricsAccumulatorSerializerContractTest() {
        // field by field: the class has no equals of its own
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) ->
                                        a instanceof MetricsAccumulator
                                                && b instanceof MetricsAccumulator,
                                (a, b, checker) -> sameFields(a, b)));
    }

    private static boolean sameFields(Object should, Object is) {
        try {
            assertThat(is)
                    .usingRecursiveComparison()
                    .withEqualsForType(Histogram::equals, Histogram.class)
                    .isEqualTo(should);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    @Override
    protected TypeSerializer<MetricsAccumulator> createSerializer() {
        return MetricsAccumulatorSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<MetricsAccumulator> getTypeClass() {
        return MetricsAccumulator.class;
    }

    @Override
    protected MetricsAccumulator[] getTestData() {
        MetricsAccumulator calls = new MetricsAccumulator();
        for (int i = 0; i < 500; i++) {
            calls.addCall(i * 7 % 3_000, i % 13 != 0, i % 13 == 0 ? 503 : 200, 500);
        }
        calls.pairedCalls = 480;
        calls.clientOnlyCalls = 12;
        calls.serverOnlyCalls = 8;
        calls.serverRetries = 3;
        calls.mtlsCalls = 470;
        calls.clientLatencySumMs = 1_234_567;
        calls.serverLatencySumMs = 1_200_000;

        MetricsAccumulator service = new MetricsAccumulator();
        service.seen(1_000, ServiceKind.EXTERNAL);
        service.seen(2_000, ServiceKind.MESH);

        MetricsAccumulator stats = new MetricsAccumulator();
        stats.sides = 1_000_000;
        stats.duplicateSides = 17;
        stats.lateSides = 4;

        MetricsAccumulator oneSlowCall = new MetricsAccumulator();
        oneSlowCall.addCall(3_600_000, false, 0, 500);

        return new MetricsAccumulator[] {
            new MetricsAccumulator(), calls, service, stats, oneSlowCall
        };
    }
}
