package io.meshflow.aggregate;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/**
 * Sends each finished row to the side output of its table, one {@link OutputTag} per {@link Table}:
 * one operator reads each row once, where a filter per table would test every row seven times. The
 * main output stays empty.
 */
public class RouteToTables extends ProcessFunction<MetricRecord, MetricRecord> {
    private static final long serialVersionUID = 1L;

    private static final Map<Table, OutputTag<MetricRecord>> TAGS = new EnumMap<>(Table.class);

    static {
        for (Table table : Table.values()) {
            TAGS.put(
                    table,
                    new OutputTag<>(
                            "rows-" + table.sqlName(), TypeInformation.of(MetricRecord.class)));
        }
    }

    /** The side output that carries the rows of {@code table}. */
    public static OutputTag<MetricRecord> tag(Table table) {
        return TAGS.get(table);
    }

    @Override
    public void processElement(MetricRecord row, Context ctx, Collector<MetricRecord> out) {
        ctx.output(TAGS.get(row.key.table), row);
    }
}
