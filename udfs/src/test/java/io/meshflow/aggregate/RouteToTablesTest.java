package io.meshflow.aggregate;

import io.meshflow.time.Granularity;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static io.meshflow.testing.Sides.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Each row goes to the side output of its own table, and nowhere else. */
class RouteToTablesTest {

    @Test
    void everyRowReachesTheOutputOfItsTableOnly() throws Exception {
        try (OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new RouteToTables())) {
            for (Table table : Table.values()) {
                harness.processElement(row(table, "first"), T0);
                harness.processElement(row(table, "second"), T0);
            }

            assertThat(harness.extractOutputValues()).as("main output").isEmpty();
            for (Table table : Table.values()) {
                assertThat(keys(harness.getSideOutput(RouteToTables.tag(table))))
                        .as(table.sqlName())
                        .containsExactly(key(table, "first"), key(table, "second"));
            }
        }
    }

    @Test
    void eachTableHasItsOwnTag() {
        assertThat(Table.values())
                .extracting(table -> RouteToTables.tag(table).getId())
                .doesNotHaveDuplicates()
                .doesNotContainNull();
    }

    private static MetricRecord row(Table table, String name) {
        return new MetricRecord(key(table, name), new MetricsAccumulator());
    }

    private static MetricKey key(Table table, String name) {
        return new MetricKey(table, Granularity.MINUTE, T0, name, "", "", "");
    }

    /** The keys of what reached one output, in order; none when nothing did. */
    private static List<MetricKey> keys(Queue<StreamRecord<MetricRecord>> output) {
        List<MetricKey> keys = new ArrayList<>();
        if (output != null) {
            output.forEach(record -> keys.add(record.getValue().key));
        }
        return keys;
    }
}
