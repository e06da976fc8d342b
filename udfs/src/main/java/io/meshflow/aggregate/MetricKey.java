package io.meshflow.aggregate;

import io.meshflow.time.Granularity;

/**
 * The key of one output row: table, granularity, bucket and up to four names, which per table are
 * service | service, instance | service, endpoint | source, dest | source, source instance, dest,
 * dest instance | service (services) | none (pipeline_stats); the tcp_* edges as the call edges.
 * Unused names are empty strings.
 *
 * <p>Build keys with the factory of their table and read the names with the accessor of their
 * meaning ({@link #service()}, {@link #destInstance()}, ...). The fields {@code name1..name4} are
 * the serialized form (a POJO in keyed state and on the shuffle) and keep their names for that.
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

    public static MetricKey ofServiceMetrics(Granularity g, long bucketStart, String service) {
        return new MetricKey(Table.SERVICE_METRICS, g, bucketStart, service, "", "", "");
    }

    public static MetricKey ofInstanceMetrics(
            Granularity g, long bucketStart, String service, String instance) {
        return new MetricKey(Table.INSTANCE_METRICS, g, bucketStart, service, instance, "", "");
    }

    public static MetricKey ofEndpointMetrics(
            Granularity g, long bucketStart, String service, String endpoint) {
        return new MetricKey(Table.ENDPOINT_METRICS, g, bucketStart, service, endpoint, "", "");
    }

    public static MetricKey ofServiceEdges(
            Granularity g, long bucketStart, String sourceService, String destService) {
        return new MetricKey(
                Table.SERVICE_EDGES, g, bucketStart, sourceService, destService, "", "");
    }

    public static MetricKey ofInstanceEdges(
            Granularity g,
            long bucketStart,
            String sourceService,
            String sourceInstance,
            String destService,
            String destInstance) {
        return new MetricKey(
                Table.INSTANCE_EDGES,
                g,
                bucketStart,
                sourceService,
                sourceInstance,
                destService,
                destInstance);
    }

    public static MetricKey ofTcpServiceEdges(
            Granularity g, long bucketStart, String sourceService, String destService) {
        return new MetricKey(
                Table.TCP_SERVICE_EDGES, g, bucketStart, sourceService, destService, "", "");
    }

    public static MetricKey ofTcpInstanceEdges(
            Granularity g,
            long bucketStart,
            String sourceService,
            String sourceInstance,
            String destService,
            String destInstance) {
        return new MetricKey(
                Table.TCP_INSTANCE_EDGES,
                g,
                bucketStart,
                sourceService,
                sourceInstance,
                destService,
                destInstance);
    }

    public static MetricKey ofPipelineStats(Granularity g, long bucketStart) {
        return new MetricKey(Table.PIPELINE_STATS, g, bucketStart, "", "", "", "");
    }

    /**
     * A services row: one per service and minute, merged into one row per service by the upsert.
     */
    public static MetricKey ofServices(Granularity g, long bucketStart, String service) {
        return new MetricKey(Table.SERVICES, g, bucketStart, service, "", "", "");
    }

    /** The service of a node table's row (the destination of its calls) or of a services row. */
    public String service() {
        return switch (table) {
            case SERVICE_METRICS, INSTANCE_METRICS, ENDPOINT_METRICS, SERVICES -> name1;
            default -> throw noSuchName("service");
        };
    }

    /** The destination instance of an instance_metrics row. */
    public String instance() {
        if (table != Table.INSTANCE_METRICS) {
            throw noSuchName("instance");
        }
        return name2;
    }

    /** The endpoint of an endpoint_metrics row. */
    public String endpoint() {
        if (table != Table.ENDPOINT_METRICS) {
            throw noSuchName("endpoint");
        }
        return name2;
    }

    /** The calling service of an edge ({@code unknown} for callers without a name). */
    public String sourceService() {
        return switch (table) {
            case SERVICE_EDGES, INSTANCE_EDGES, TCP_SERVICE_EDGES, TCP_INSTANCE_EDGES -> name1;
            default -> throw noSuchName("sourceService");
        };
    }

    /** The calling instance of an instance_edges row. */
    public String sourceInstance() {
        if (table != Table.INSTANCE_EDGES && table != Table.TCP_INSTANCE_EDGES) {
            throw noSuchName("sourceInstance");
        }
        return name2;
    }

    /** The called service of an edge. */
    public String destService() {
        return switch (table) {
            case SERVICE_EDGES, TCP_SERVICE_EDGES -> name2;
            case INSTANCE_EDGES, TCP_INSTANCE_EDGES -> name3;
            default -> throw noSuchName("destService");
        };
    }

    /** The called instance of an instance_edges row. */
    public String destInstance() {
        if (table != Table.INSTANCE_EDGES && table != Table.TCP_INSTANCE_EDGES) {
            throw noSuchName("destInstance");
        }
        return name4;
    }

    private IllegalStateException noSuchName(String name) {
        return new IllegalStateException(table.sqlName() + " rows have no " + name);
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
