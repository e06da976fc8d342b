package io.meshflow.time;

/** The bucket sizes of every metrics table. Buckets start at whole UTC minutes, hours and days. */
public enum Granularity {
    MINUTE(60_000L),
    HOUR(3_600_000L),
    DAY(86_400_000L);

    private final long sizeMs;

    Granularity(long sizeMs) {
        this.sizeMs = sizeMs;
    }

    public long sizeMs() {
        return sizeMs;
    }

    /** The start of the bucket holding {@code timestamp}. */
    public long bucketStart(long timestamp) {
        return Math.floorDiv(timestamp, sizeMs) * sizeMs;
    }

    /** The last millisecond of the bucket that starts at {@code bucketStart}. */
    public long bucketMaxTimestamp(long bucketStart) {
        return bucketStart + sizeMs - 1;
    }

    /** The name stored in the {@code granularity} column. */
    public String columnValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
