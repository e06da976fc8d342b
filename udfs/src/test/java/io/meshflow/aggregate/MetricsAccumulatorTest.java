package io.meshflow.aggregate;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsAccumulatorTest {
    private static final double[] PERCENTILES = {50, 75, 90, 95, 99};

    @Test
    void percentilesAreWithinOnePercentOfExactNearestRankOnSkewedLatencies() {
        SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 20; run++) {
            int n = 1 + random.nextInt(5_000);
            int[] latencies = new int[n];
            MetricsAccumulator acc = new MetricsAccumulator();
            for (int i = 0; i < n; i++) {
                // log-normal body, a slow tail of timeouts, some zero-latency cache hits
                double u = random.nextDouble();
                int latency =
                        u < 0.05
                                ? 0
                                : u < 0.97
                                        ? (int)
                                                Math.round(
                                                        40 * Math.exp(1.2 * random.nextGaussian()))
                                        : 5_000 + random.nextInt(55_000);
                latencies[i] = latency;
                acc.addCall(latency, true, 200, 500);
            }
            Arrays.sort(latencies);
            for (double p : PERCENTILES) {
                int exact = latencies[(int) Math.ceil(p / 100 * n) - 1];
                long tolerance = Math.max(1, (long) Math.floor(exact * 0.01));
                assertThat(acc.percentileMs(p))
                        .as("p%s of %s latencies", p, n)
                        .isCloseTo(exact, within(tolerance));
            }
        }
    }

    @Test
    void aSingleCallIsEveryPercentile() {
        MetricsAccumulator acc = new MetricsAccumulator();
        acc.addCall(1234, true, 200, 500);
        for (double p : PERCENTILES) {
            assertThat(acc.percentileMs(p)).isCloseTo(1234, within(12L));
        }
    }

    @Test
    void apdexCountsSatisfiedAndHalfOfToleratingSuccessesOnly() {
        MetricsAccumulator acc = new MetricsAccumulator();
        acc.addCall(100, true, 200, 500); // satisfied
        acc.addCall(500, true, 200, 500); // satisfied: <= T
        acc.addCall(501, true, 200, 500); // tolerating
        acc.addCall(2000, true, 200, 500); // tolerating: <= 4T
        acc.addCall(2001, true, 200, 500); // frustrated
        acc.addCall(10, false, 503, 500); // an error is never satisfied
        assertThat(acc.apdex()).isCloseTo((2 + 2 / 2.0) / 6, within(1e-12));
        assertThat(acc.errors).isEqualTo(1);
    }

    @Test
    void statusClassesPutZeroAndOddCodesInOther() {
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int code : new int[] {200, 204, 301, 404, 429, 500, 503, 0, 101, 999}) {
            acc.addCall(1, code < 500 && code > 0, code, 500);
        }
        assertThat(
                        new long[] {
                            acc.status2xx,
                            acc.status3xx,
                            acc.status4xx,
                            acc.status5xx,
                            acc.statusOther
                        })
                .containsExactly(2, 1, 2, 2, 3);
    }

    @Test
    void mergedMinutesEqualTheSameCallsCountedDirectly() {
        SplittableRandom random = new SplittableRandom(11);
        MetricsAccumulator direct = new MetricsAccumulator();
        MetricsAccumulator merged = new MetricsAccumulator();
        for (int minute = 0; minute < 60; minute++) {
            MetricsAccumulator minuteRow = new MetricsAccumulator();
            int calls = random.nextInt(200);
            for (int i = 0; i < calls; i++) {
                int latency = (int) Math.round(Math.exp(3 + random.nextGaussian()));
                boolean ok = random.nextDouble() > 0.05;
                direct.addCall(latency, ok, ok ? 200 : 503, 50);
                minuteRow.addCall(latency, ok, ok ? 200 : 503, 50);
            }
            merged.merge(minuteRow);
        }
        assertThat(merged)
                .usingRecursiveComparison()
                .withEqualsForType(Histogram::equals, Histogram.class)
                .isEqualTo(direct);
        for (double p : PERCENTILES) {
            assertThat(merged.percentileMs(p)).isEqualTo(direct.percentileMs(p));
        }
        assertThat(merged.apdex()).isEqualTo(direct.apdex());
    }

    @Test
    void aRowOfFewCallsHasTheHistogramsPercentiles() {
        SplittableRandom random = new SplittableRandom(13);
        for (int run = 0; run < 2_000; run++) {
            int n = 1 + random.nextInt(MetricsAccumulator.FEW_LATENCIES);
            MetricsAccumulator few = new MetricsAccumulator();
            MetricsAccumulator histogram = new MetricsAccumulator();
            histogram.latencies = new Histogram(MetricsAccumulator.SIGNIFICANT_DIGITS);
            for (int i = 0; i < n; i++) {
                int latency = randomLatency(random);
                few.addCall(latency, true, 200, 500);
                histogram.addCall(latency, true, 200, 500);
            }
            assertThat(few.latencies).as("kept as values").isNull();
            assertThat(few.percentilesMs(PERCENTILES))
                    .as("%s calls", n)
                    .containsExactly(histogram.percentilesMs(PERCENTILES));
            assertThat(few.latencyCount()).isEqualTo(n);
            assertThat(few.latencyHistogram()).isEqualTo(histogram.latencies);
        }
    }

    @Test
    void rowsOfFewAndManyCallsMergeIntoTheHistogramOfAllTheirCalls() {
        SplittableRandom random = new SplittableRandom(17);
        for (int run = 0; run < 500; run++) {
            MetricsAccumulator merged = new MetricsAccumulator();
            Histogram every = new Histogram(MetricsAccumulator.SIGNIFICANT_DIGITS);
            int parts = 1 + random.nextInt(6);
            for (int part = 0; part < parts; part++) {
                // rows of a few calls, and now and then one past the few kept as values
                int calls = random.nextInt(4) == 0 ? 1 + random.nextInt(40) : 1 + random.nextInt(5);
                MetricsAccumulator row = new MetricsAccumulator();
                for (int i = 0; i < calls; i++) {
                    int latency = randomLatency(random);
                    row.addCall(latency, true, 200, 500);
                    every.recordValue(latency);
                }
                merged.merge(random.nextBoolean() ? row : row.copy());
            }
            assertThat(merged.latencyHistogram()).isEqualTo(every);
            assertThat(merged.latencies == null)
                    .as("values while few")
                    .isEqualTo(every.getTotalCount() <= MetricsAccumulator.FEW_LATENCIES);
            MetricsAccumulator reference = new MetricsAccumulator();
            reference.merge(merged);
            reference.latencies = every;
            assertThat(merged.percentilesMs(PERCENTILES))
                    .containsExactly(reference.percentilesMs(PERCENTILES));
        }
    }

    @Test
    void aRowOfFewCallsSerializesItsLatenciesAsValues() throws Exception {
        MetricsAccumulator few = new MetricsAccumulator();
        few.addCall(12, true, 200, 500);
        few.addCall(3_000, true, 200, 500);
        few.addCall(7, false, 503, 500);
        DataOutputSerializer out = new DataOutputSerializer(256);
        MetricsAccumulatorSerializer.INSTANCE.serialize(few, out);

        // 25 longs, kinds, -2 - 3, then the three latencies
        assertThat(out.length()).isEqualTo(25 * 8 + 4 + 4 + 3 * 4);
        MetricsAccumulator back =
                MetricsAccumulatorSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).usingRecursiveComparison().isEqualTo(few);
        for (int i = 0; i < MetricsAccumulator.FEW_LATENCIES; i++) {
            back.addCall(40 + i, true, 200, 500);
        }
        assertThat(back.latencies).as("past the few, a histogram").isNotNull();
        assertThat(back.latencyCount()).isEqualTo(3 + MetricsAccumulator.FEW_LATENCIES);
    }

    private static int randomLatency(SplittableRandom random) {
        return random.nextInt(10) == 0
                ? random.nextInt(10_000_000)
                : (int) Math.round(Math.exp(3 + random.nextGaussian()));
    }

    @Test
    void serializerRoundTripsEveryCounterAndTheHistogram() throws Exception {
        MetricsAccumulator acc = new MetricsAccumulator();
        acc.addCall(12, true, 200, 500);
        acc.addCall(9_000, false, 503, 500);
        acc.pairedCalls = 2;
        acc.clientOnlyCalls = 3;
        acc.serverOnlyCalls = 4;
        acc.serverRetries = 5;
        acc.mtlsCalls = 6;
        acc.clientLatencySumMs = 7;
        acc.serverLatencySumMs = 8;
        acc.sides = 9;
        acc.duplicateSides = 10;
        acc.lateSides = 11;
        acc.endpointOverflowCalls = 12;
        acc.ignoredSpans = 13;
        acc.seen(1_000, ServiceKind.EXTERNAL);
        acc.addConnection(true, true, false, 12, 13, 14);
        acc.addConnection(false, false, true, 15, 16, 17);

        DataOutputSerializer out = new DataOutputSerializer(256);
        MetricsAccumulatorSerializer.INSTANCE.serialize(acc, out);
        MetricsAccumulator back =
                MetricsAccumulatorSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back)
                .usingRecursiveComparison()
                .withEqualsForType(Histogram::equals, Histogram.class)
                .isEqualTo(acc);
        back.addCall(100_000, true, 200, 500);
        assertThat(back.latencyMaxMs).as("a restored histogram still grows").isEqualTo(100_000);
    }

    @Test
    void aRowWithoutConnectionsCarriesNoTcpCounters() throws Exception {
        MetricsAccumulator acc = new MetricsAccumulator();
        acc.seen(1_000, ServiceKind.MESH);
        DataOutputSerializer withoutTcp = new DataOutputSerializer(256);
        MetricsAccumulatorSerializer.INSTANCE.serialize(acc, withoutTcp);

        acc.addConnection(true, false, false, 1, 2, 3);
        DataOutputSerializer withTcp = new DataOutputSerializer(256);
        MetricsAccumulatorSerializer.INSTANCE.serialize(acc, withTcp);

        // 25 longs, then kinds, then the histogram's length (-1: none)
        assertThat(withoutTcp.length()).isEqualTo(25 * 8 + 4 + 4);
        assertThat(withTcp.length()).isEqualTo(withoutTcp.length() + 10 * 8);
        MetricsAccumulator back =
                MetricsAccumulatorSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(withTcp.getCopyOfBuffer()));
        assertThat(back.kind()).isEqualTo(ServiceKind.MESH);
        assertThat(back.clientConnections).isEqualTo(1);
        assertThat(back.durationMaxMs).isEqualTo(3);
    }

    @Test
    void theServiceKindIsTheStrongestSeen() {
        MetricsAccumulator acc = new MetricsAccumulator();
        acc.seen(5, ServiceKind.EXTERNAL);
        assertThat(acc.kind()).isEqualTo(ServiceKind.EXTERNAL);
        acc.seen(3, ServiceKind.MESH);
        assertThat(acc.kind()).isEqualTo(ServiceKind.MESH);
        assertThat(acc.firstSeen).isEqualTo(3);
        assertThat(acc.lastSeen).isEqualTo(5);
    }
}
