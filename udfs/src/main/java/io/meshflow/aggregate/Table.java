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
    SERVICES("services", false);

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
