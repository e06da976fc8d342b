package io.meshflow.aggregate;

/** The {@code services.kind} column. */
public enum ServiceKind {
    /** Reported at least one side. */
    MESH,
    /** Named in calls but never reported a side. */
    EXTERNAL,
    /** The node of callers without a name. */
    UNKNOWN;

    public String columnValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
