package io.meshflow.sink;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.ServiceKind;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** A flush holds one version of each table row: the last, or for services all of them merged. */
class RowBufferTest {

    @Test
    void aRowWrittenAgainReplacesItsEarlierVersion() {
        RowBuffer buffer = new RowBuffer();
        MetricKey key = MetricKey.ofServiceMetrics(Granularity.HOUR, T0, "a");
        buffer.add(new MetricRecord(key, calls(1)));
        buffer.add(
                new MetricRecord(MetricKey.ofServiceMetrics(Granularity.HOUR, T0, "a"), calls(3)));
        buffer.add(
                new MetricRecord(MetricKey.ofServiceMetrics(Granularity.DAY, T0, "a"), calls(5)));

        assertThat(buffer.size()).isEqualTo(2);
        assertThat(buffer.tableRows()).isEqualTo(2);
        assertThat(buffer.rows(Table.SERVICE_METRICS))
                .extracting(r -> r.metrics.calls)
                .containsExactlyInAnyOrder(3L, 5L);
    }

    @Test
    void theMinutesOfAServiceMergeIntoItsOneRow() {
        RowBuffer buffer = new RowBuffer();
        buffer.add(seen("a", T0 + 60_000, ServiceKind.EXTERNAL));
        buffer.add(seen("a", T0, ServiceKind.MESH));
        buffer.add(seen("a", T0 + 120_000, ServiceKind.UNKNOWN));
        buffer.add(seen("b", T0, ServiceKind.UNKNOWN));

        assertThat(buffer.size()).isEqualTo(2);
        MetricRecord a =
                buffer.rows(Table.SERVICES).stream()
                        .filter(r -> r.key.service().equals("a"))
                        .findFirst()
                        .orElseThrow();
        assertThat(a.metrics.kind()).isEqualTo(ServiceKind.MESH);
        assertThat(a.metrics.firstSeen).isEqualTo(T0);
        assertThat(a.metrics.lastSeen).isEqualTo(T0 + 120_000);
    }

    @Test
    void aDeadLetterKeepsItsFirstVersionAndClearEmptiesAll() {
        RowBuffer buffer = new RowBuffer();
        buffer.add(new DeadLetter("f@0", T0, "f", "late", new byte[] {1}));
        buffer.add(new DeadLetter("f@0", T0 + 5, "f", "replayed", new byte[] {1}));
        assertThat(buffer.deadLetters()).extracting(d -> d.reason).containsExactly("late");
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(buffer.tableRows()).as("dead letters are not table rows").isZero();

        buffer.clear();
        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.deadLetters()).isEmpty();
        assertThat(buffer.rows(Table.SERVICE_METRICS)).isEmpty();
    }

    private static MetricsAccumulator calls(int n) {
        MetricsAccumulator m = new MetricsAccumulator();
        for (int i = 0; i < n; i++) {
            m.addCall(10, true, 200, 500);
        }
        return m;
    }

    private static MetricRecord seen(String service, long time, ServiceKind kind) {
        MetricsAccumulator m = new MetricsAccumulator();
        m.seen(time, kind);
        return new MetricRecord(
                MetricKey.ofServices(
                        Granularity.MINUTE, Granularity.MINUTE.bucketStart(time), service),
                m);
    }
}
