package io.meshflow.aggregate;

/** The aggregated output tables of SPEC section 4, and which granularities each is kept at. */
public enum Table {
    SERVICE_METRICS("service_metrics", true),
    INSTANCE_METRICS("instance_metrics", true),
    ENDPOINT_METRICS("endpoint_metrics", true),
    SERVICE_EDGES("service_edges", true),
    INSTANCE_EDGES("instance_edges", true),
    PIPELINE_STATS("pipeline_stats", true),
    /** One row per service, over all time: aggregated per minute and merged by the upsert. */
    SERVICES("services", false),
    // TCP last: ordinals are part of a row key's hash, and keys already in state keep theirs
    TCP_SERVICE_EDGES("tcp_service_edges", true),
    TCP_INSTANCE_EDGES("tcp_instance_edges", true);

    private final String sqlName;
    private final boolean rolledUp;

    Table(String sqlName, boolean rolledUp) {
        this.sqlName = sqlName;
        this.rolledUp = rolledUp;
    }

    public String sqlName() {
        return sqlName;
    }

    /** True for tables with minute, hour and day rows; false for the one kept per minute only. */
    public boolean rolledUp() {
        return rolledUp;
    }
}
