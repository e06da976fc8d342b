package io.meshflow.aggregate;

import io.meshflow.time.Granularity;

/**
 * The key of one output row: table, granularity, bucket and up to four names, which per table are
 * service | service, instance | service, endpoint | source, dest | source, source instance, dest,
 * dest instance | service (services) | none (pipeline_stats). Unused names are empty strings.
 */
public final class MetricKey {
    public Table table;
    public Granularity granularity;
    public long bucketStart;
    public String name1 = "";
    public String name2 = "";
    public String name3 = "";
    public String name4 = "";

    public MetricKey() {}

    public MetricKey(
            Table table,
            Granularity granularity,
            long bucketStart,
            String name1,
            String name2,
            String name3,
            String name4) {
        this.table = table;
        this.granularity = granularity;
        this.bucketStart = bucketStart;
        this.name1 = name1;
        this.name2 = name2;
        this.name3 = name3;
        this.name4 = name4;
    }

    /** The same row at a coarser granularity. */
    public MetricKey rolledUpTo(Granularity coarser) {
        return new MetricKey(
                table, coarser, coarser.bucketStart(bucketStart), name1, name2, name3, name4);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MetricKey k)) {
            return false;
        }
        return bucketStart == k.bucketStart
                && table == k.table
                && granularity == k.granularity
                && name1.equals(k.name1)
                && name2.equals(k.name2)
                && name3.equals(k.name3)
                && name4.equals(k.name4);
    }

    @Override
    public int hashCode() {
        // ordinals, not the enums' identity hash codes: key groups must agree across JVMs
        int h = table.ordinal();
        h = 31 * h + granularity.ordinal();
        h = 31 * h + Long.hashCode(bucketStart);
        h = 31 * h + name1.hashCode();
        h = 31 * h + name2.hashCode();
        h = 31 * h + name3.hashCode();
        h = 31 * h + name4.hashCode();
        return h;
    }

    @Override
    public String toString() {
        return table.sqlName()
                + "/"
                + granularity.columnValue()
                + "/"
                + bucketStart
                + "/"
                + String.join(",", name1, name2, name3, name4);
    }
}
